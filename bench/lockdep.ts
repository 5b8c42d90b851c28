/**
 * Micro-benchmark of the lockdep detector alone: a synthetic trial as the machine would log it
 * (two CPUs each taking four lock classes in a consistent order 200 times, with irqsave
 * sections, memory accesses and interrupt handlers that take an irq-safe lock), run through one
 * detector instance trial after trial. After the first trial everything is known, which is the
 * steady state of a long run: this measures the per-event cost in the hot loop.
 */
import type { TrialInfo } from '../src/check/detector.ts';
import type { ObjectDecl } from '../src/machine/declarations.ts';
import { Ctx, EV_WORDS, EventLog, HARDIRQ_OFFSET, LockFlag, Op } from '../src/machine/events.ts';
import { writeEventRecord } from '../src/machine/event-record.ts';
import { FIRST_PID, Layout, TrialState } from '../src/machine/layout.ts';
import { createLockdep } from '../src/check/lockdep/index.ts';

const PAIRS_PER_CPU = 200;

const spinlock: ObjectDecl = { __smpsim: 'decl', kind: 'spinlock', init: 0, count: 1, array: false };
const shared: ObjectDecl = { __smpsim: 'decl', kind: 'shared', init: 0, count: 1, array: false };

function benchLayout(): Layout {
  return new Layout({
    cpus: 2,
    tasks: [
      { cpu: 0, run: () => undefined },
      { cpu: 1, run: () => undefined },
    ],
    state: { l0: spinlock, l1: spinlock, l2: spinlock, l3: spinlock, data: shared },
    irqs: [{ irq: 10, name: 'eth0' }],
  });
}

/** Writes records stamped with a CPU's context, preempt count and irq flag. */
class LogWriter {
  words = new Int32Array(4096 * EV_WORDS);
  n = 0;
  ctx: number[] = [Ctx.TASK, Ctx.TASK];
  pcount = [0, 0];
  irqsOff = [false, false];

  emit(cpu: number, op: number, obj = -1, a = 0): void {
    if ((this.n + 1) * EV_WORDS > this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const stamp = {
      cpu,
      ctx: this.ctx[cpu]!,
      pcount: this.pcount[cpu]!,
      irqsOff: this.irqsOff[cpu]!,
      tid: FIRST_PID + cpu,
      agent: cpu,
    };
    writeEventRecord(this.words, 0, this.n, stamp, op, obj, a, 0, 0, 0);
    this.n++;
  }

  lock(cpu: number, obj: number, flags = 0): void {
    this.pcount[cpu]! += 1;
    this.emit(cpu, Op.LOCK_ACQUIRE, obj, flags);
  }

  unlock(cpu: number, obj: number, flags = 0): void {
    this.emit(cpu, Op.LOCK_RELEASE, obj, flags);
    this.pcount[cpu]! -= 1;
  }

  irqs(cpu: number, off: boolean): void {
    this.irqsOff[cpu] = off;
    this.emit(cpu, off ? Op.IRQS_OFF : Op.IRQS_ON);
  }
}

function benchLog(L: Layout): EventLog {
  const [l0, l1, l2, l3, data] = ['l0', 'l1', 'l2', 'l3', 'data'].map((k) => L.objectsByKey.get(k)![0]!.id) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const w = new LogWriter();
  for (let k = 0; k < PAIRS_PER_CPU / 2; k++) {
    for (let cpu = 0; cpu < 2; cpu++) {
      // spin_lock_irqsave(l0); spin_lock(l1); data++; unlock both
      w.irqs(cpu, true);
      w.lock(cpu, l0, LockFlag.IRQSAVE);
      w.lock(cpu, l1);
      w.emit(cpu, Op.MEM_READ, data);
      w.emit(cpu, Op.MEM_WRITE, data);
      w.unlock(cpu, l1);
      w.unlock(cpu, l0, LockFlag.IRQSAVE);
      w.irqs(cpu, false);
      // spin_lock(l2); spin_lock(l3); data++; unlock both
      w.lock(cpu, l2);
      w.lock(cpu, l3);
      w.emit(cpu, Op.MEM_READ, data);
      w.emit(cpu, Op.MEM_WRITE, data);
      w.unlock(cpu, l3);
      w.unlock(cpu, l2);
      if (k % 8 === cpu) {
        // eth0 fires: its handler takes the irq-safe l0
        w.ctx[cpu] = Ctx.HARDIRQ;
        w.pcount[cpu]! += HARDIRQ_OFFSET;
        w.irqsOff[cpu] = true;
        w.emit(cpu, Op.IRQ_ENTER, -1, 0);
        w.lock(cpu, l0);
        w.emit(cpu, Op.ATOMIC_RMW, data);
        w.unlock(cpu, l0);
        w.emit(cpu, Op.IRQ_EXIT, -1, 0);
        w.ctx[cpu] = Ctx.TASK;
        w.pcount[cpu]! -= HARDIRQ_OFFSET;
        w.irqsOff[cpu] = false;
      }
    }
  }
  return new EventLog(w.words.slice(0, w.n * EV_WORDS), w.n);
}

export function benchLockdep(opts: { seconds?: number } = {}): { eventsPerSec: number } {
  const L = benchLayout();
  const events = benchLog(L);
  const detector = createLockdep();
  let findings = 0;
  const trial = (index: number): TrialInfo => ({
    index,
    layout: L,
    events,
    end: { state: TrialState.DONE, cpu: 0, message: '', seq: -1, cpus: [] },
    segment: () => `t${index}`,
    text: () => '',
  });
  let index = 0;
  for (; index < 200; index++) detector.onTrial(trial(index), () => findings++);
  if (findings > 0) throw new Error('lockdep bench: the synthetic log should make no finding');
  const budget = (opts.seconds ?? 0.5) * 1000;
  let processed = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budget) {
    for (let k = 0; k < 100; k++) detector.onTrial(trial(index++), () => findings++);
    processed += 100 * events.length;
    elapsed = performance.now() - start;
  }
  return { eventsPerSec: Math.round((processed / elapsed) * 1000) };
}
