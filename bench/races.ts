/**
 * The race detector's speed on a synthetic trial (for the bench script): two CPUs taking a
 * lock around plain read-modify-writes of a shared cell, bumping an atomic and polling a flag
 * with READ_ONCE, with an interrupt now and then. Returns events handled per second.
 */
import { Ctx, EV_WORDS, EventLog, Op, kfn } from '../src/machine/events.ts';
import { writeEventRecord } from '../src/machine/event-record.ts';
import { FIRST_PID, Layout, TrialState } from '../src/machine/layout.ts';
import type { ObjectDecl, ScenarioDef } from '../src/machine/declarations.ts';
import type { TrialInfo } from '../src/check/detector.ts';
import { RaceDetector } from '../src/check/races/race-detector.ts';

const decl = (kind: ObjectDecl['kind']): ObjectDecl => ({ __smpsim: 'decl', kind, init: 0, count: 1, array: false });

function syntheticTrial(events: number): TrialInfo {
  const def: ScenarioDef = {
    cpus: 2,
    state: { l: decl('spinlock'), x: decl('shared'), v: decl('atomic'), flag: decl('shared') },
    tasks: [
      { cpu: 0, run: () => {} },
      { cpu: 1, run: () => {} },
    ],
    irqs: [{ irq: 5 }],
  };
  const L = new Layout(def);
  const [l, x, v, flag] = ['l', 'x', 'v', 'flag'].map((k) => L.objectsByKey.get(k)![0]!.id) as [
    number,
    number,
    number,
    number,
  ];
  const w = new Int32Array(events * EV_WORDS);
  const pattern: [number, number, number][] = [
    [Op.LOCK_ACQUIRE, l, Ctx.TASK],
    [Op.MEM_READ, x, Ctx.TASK],
    [Op.MEM_WRITE, x, Ctx.TASK],
    [Op.LOCK_RELEASE, l, Ctx.TASK],
    [Op.ATOMIC_RMW, v, Ctx.TASK],
    [Op.MEM_READ_ONCE, flag, Ctx.TASK],
    [Op.IRQ_ENTER, -1, Ctx.HARDIRQ],
    [Op.ATOMIC_RMW_ORDERED, v, Ctx.HARDIRQ],
    [Op.IRQ_EXIT, -1, Ctx.HARDIRQ],
    [Op.MEM_WRITE_ONCE, flag, Ctx.TASK],
  ];
  for (let i = 0; i < events; i++) {
    const [op, obj, ctx] = pattern[i % pattern.length]!;
    const cpu = Math.floor(i / pattern.length) % 2;
    const stamp = { cpu, ctx, pcount: 0, irqsOff: false, tid: FIRST_PID + cpu, agent: cpu };
    writeEventRecord(w, 0, i, stamp, op, obj, op === Op.IRQ_ENTER || op === Op.IRQ_EXIT ? 0 : i, i - 1, kfn('?'), 0);
  }
  return {
    index: 0,
    layout: L,
    events: new EventLog(w, events),
    end: { state: TrialState.DONE, cpu: -1, message: '', seq: -1, cpus: [] },
    segment: () => 't0:',
    text: () => '',
  };
}

/** Events per second through the race detector, over about `ms` milliseconds. */
export function benchRaces(ms = 500, eventsPerTrial = 200): number {
  const trial = syntheticTrial(eventsPerTrial);
  const d = new RaceDetector();
  const sink = (): void => {};
  for (let i = 0; i < 200; i++) d.onTrial(trial, sink); // warm up
  let events = 0;
  const t0 = performance.now();
  let now = t0;
  while (now - t0 < ms) {
    for (let i = 0; i < 100; i++) d.onTrial(trial, sink);
    events += 100 * eventsPerTrial;
    now = performance.now();
  }
  return events / ((now - t0) / 1000);
}
