/**
 * Deadlock soundness: every deadlock reported for a generated lock program replays (from its
 * token) to a final state where its wait-for cycle holds: each context in the cycle waits for
 * a lock held by the next (an interrupted task waits for the handler on top of it), the cycle
 * is among the CPUs the report names, and every CPU it names waits, directly or through
 * others, on that cycle.
 */
import { afterAll, describe, expect } from 'vitest';
import { it, fc } from '@fast-check/vitest';
import { explore, replay, shutdown } from '../src/index.ts';
import { Ctx, type EventLog, F_CPU, F_CTX, F_OBJ, Op } from '../src/machine/events.ts';
import { TrialState } from '../src/machine/layout.ts';
import { lockProgram, lockScenario } from './support/programs.ts';

afterAll(() => shutdown());

type Who = string; // "cpu:ctx"

/** The wait-for graph at the end of a trial, rebuilt from its events alone. */
function waitFor(ev: EventLog): Map<Who, Who> {
  const holder = new Map<number, Who>();
  const waiting = new Map<Who, number>();
  const inIrq = new Set<number>();
  for (let i = 0; i < ev.length; i++) {
    const who = `${ev.field(i, F_CPU)}:${ev.field(i, F_CTX)}`;
    const obj = ev.field(i, F_OBJ);
    switch (ev.op(i)) {
      case Op.LOCK_CONTENDED:
        waiting.set(who, obj);
        break;
      case Op.LOCK_ACQUIRE:
        waiting.delete(who);
        holder.set(obj, who);
        break;
      case Op.LOCK_RELEASE:
        holder.delete(obj);
        break;
      case Op.IRQ_ENTER:
        inIrq.add(ev.field(i, F_CPU));
        break;
      case Op.IRQ_EXIT:
        inIrq.delete(ev.field(i, F_CPU));
        break;
    }
  }
  const edges = new Map<Who, Who>();
  for (const [who, obj] of waiting) {
    const h = holder.get(obj);
    if (h !== undefined) edges.set(who, h);
  }
  for (const cpu of inIrq) edges.set(`${cpu}:${Ctx.TASK}`, `${cpu}:${Ctx.HARDIRQ}`);
  return edges;
}

/** Following the waits from `start`: the CPUs of the cycle it ends in, or undefined at a dead end. */
function cycleFrom(edges: Map<Who, Who>, start: Who): number[] | undefined {
  const path: Who[] = [];
  let at: Who | undefined = start;
  while (at !== undefined && !path.includes(at)) {
    path.push(at);
    at = edges.get(at);
  }
  if (at === undefined) return undefined;
  return [...new Set(path.slice(path.indexOf(at)).map((w) => Number(w.split(':')[0])))].sort();
}

let checked = 0;

describe('deadlock soundness', () => {
  it.prop([lockProgram(['plain']), fc.boolean()], { numRuns: 15, seed: 31 })(
    'every reported deadlock replays to a state where its wait-for cycle holds',
    async (p, irq) => {
      const path = lockScenario(p, irq);
      const r = await explore(path, { trials: 200, seed: 9 });
      for (const f of r.findings.filter((x) => x.kind === 'deadlock')) {
        checked++;
        const again = await replay(path, f.replay);
        const t = again.trials.at(-1)!;
        expect(t.endState).toBe(TrialState.DEADLOCK);
        const edges = waitFor(t.events);
        for (const cpu of f.cpus) {
          const innermost = edges.has(`${cpu}:${Ctx.HARDIRQ}`) ? `${cpu}:${Ctx.HARDIRQ}` : `${cpu}:${Ctx.TASK}`;
          const cycle = cycleFrom(edges, innermost);
          expect(cycle, `CPU${cpu} does not wait on a cycle at the end of ${f.replay}`).toBeDefined();
          for (const c of cycle!) expect(f.cpus).toContain(c);
        }
      }
    },
  );

  it('the programs above did deadlock (the property was not vacuous)', () => {
    expect(checked).toBeGreaterThan(3);
  });
});
