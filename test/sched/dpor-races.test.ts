/**
 * The race analysis on hand-made traces: which pairs race, and which options can start each
 * race's reversal (the initials of source-DPOR).
 */
import { describe, expect, it } from 'vitest';
import { findRaces, type Trace } from '../../src/sched/dpor-races.ts';
import { Access } from '../../src/sched/footprint.ts';
import { irqOption } from '../../src/sched/strategy.ts';

/** Steps as [option, object, access, cpu]. */
function trace(steps: [number, number, number, number][]): Trace {
  return {
    length: steps.length,
    proc: (k) => steps[k]![0],
    obj: (k) => steps[k]![1],
    access: (k) => steps[k]![2],
    cpu: (k) => steps[k]![3],
  };
}

function races(t: Trace, fromJ = 0): [number, number[]][] {
  const out: [number, number[]][] = [];
  findRaces(t, fromJ, (i, initials) => out.push([i, initials()]));
  return out;
}

const { READ, WRITE, NONE } = Access;

describe('findRaces', () => {
  it('x = x + 1 on two CPUs: the later CPU races with the earlier one, reads with writes only', () => {
    const t = trace([
      [0, 0, READ, 0],
      [0, 0, WRITE, 0],
      [1, 0, READ, 1],
      [1, 0, WRITE, 1],
    ]);
    // CPU1's read races with CPU0's write; CPU1's write is ordered after CPU0's write by its read
    expect(races(t)).toEqual([[1, [1]]]);
  });

  it('steps on cells of their own never race', () => {
    const t = trace([
      [0, 0, WRITE, 0],
      [1, 1, WRITE, 1],
      [0, 0, WRITE, 0],
      [1, 1, WRITE, 1],
    ]);
    expect(races(t)).toEqual([]);
  });

  it('a handler step reversed with another CPU: the interrupt is what can go first', () => {
    const irq = irqOption(0, 0);
    const t = trace([
      [0, -1, NONE, 0],
      [1, 0, WRITE, 1], // CPU1 writes the cell
      [irq, 9, WRITE, 0], // the irq enters on CPU0
      [0, 0, WRITE, 0], // its handler writes the same cell (a step of CPU0's agent)
    ]);
    // the irq entry races with CPU0's first step (same CPU): CPU1's write or the irq can go
    // first; the handler's write races with CPU1's, and that reversal can only start with the
    // irq (the handler's step comes after it), never with CPU0's agent itself
    expect(races(t)).toEqual([
      [0, [1, irq]],
      [2, [0]],
      [1, [irq]],
    ]);
  });

  it('only races that end at or after fromJ are reported', () => {
    const t = trace([
      [0, 0, WRITE, 0],
      [1, 0, WRITE, 1],
      [0, 1, WRITE, 0],
      [1, 1, WRITE, 1],
    ]);
    expect(races(t).map(([i]) => i)).toEqual([0, 2]);
    expect(races(t, 3).map(([i]) => i)).toEqual([2]);
  });
});
