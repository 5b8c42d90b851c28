import { describe, expect, test } from 'vitest';
import type { LockdepFinding } from '../../src/check/lockdep/index.ts';
import { decl, layoutOf, type EventBuilder } from '../support/event-builder.ts';
import { LockdepRun } from './harness.ts';

const layout = () => layoutOf({ a: decl('spinlock'), b: decl('spinlock'), c: decl('spinlock'), d: decl('spinlock') });

/** Trials that record facts a finding needs, mixed with ones that record unrelated facts. */
const TRIALS: ((b: EventBuilder) => void)[] = [
  (b) => b.on(0).spin_lock('d', 'r.ts:1').spin_unlock('d'),
  (b) => b.on(0).spin_lock_irq('a', 'r.ts:2').spin_lock('b', 'r.ts:3').spin_unlock('b').spin_unlock_irq('a'),
  (b) => b.on(1).spin_lock('c', 'r.ts:4').spin_lock('d', 'r.ts:5').spin_unlock('d').spin_unlock('c'),
  (b) => b.on(1).spin_lock('b', 'r.ts:6').spin_unlock('b'),
  (b) => b.on(0).spin_lock('d', 'r.ts:7').spin_lock('a', 'r.ts:8').spin_unlock('a').spin_unlock('d'),
  (b) => b.on(1).spin_lock_irq('b', 'r.ts:9').spin_lock('c', 'r.ts:10').spin_unlock('c').spin_unlock_irq('b'),
  (b) => b.on(0).irq(0, () => b.spin_lock('a', 'r.ts:11').spin_unlock('a')),
  (b) => b.on(1).spin_lock('c', 'r.ts:12').spin_lock('a', 'r.ts:13').spin_unlock('a').spin_unlock('c'),
];

/** Replay as the run layer does: the prior segments' trials, then the finding's own. */
function replay(original: LockdepRun, f: LockdepFinding, findingTrial: number): LockdepFinding | undefined {
  const run = new LockdepRun(original.layout);
  for (const seg of f.priorSegments ?? []) run.run(original.trials[Number(seg.slice(3))]!);
  const made = run.run(original.trials[findingTrial]!);
  const again = made.find((g) => g.signature === f.signature);
  if (again) expect(run.render(again)).toBe(original.render(f));
  return again;
}

describe('replay of a finding from its prior segments', () => {
  test('every finding comes back with identical text', () => {
    const run = new LockdepRun(layout());
    const made: [LockdepFinding, number][] = [];
    TRIALS.forEach((t, i) => run.trial(t).forEach((f) => made.push([f, i])));
    expect(made.map(([f]) => f.signature)).toEqual([
      'circular-dependency:a -> b -> c -> d',
      'inconsistent-lock-state:a:IN-HARDIRQ-W/HARDIRQ-ON-W',
      'circular-dependency:a -> b -> c',
    ]);
    for (const [f, i] of made) expect(replay(run, f, i)).toBeDefined();
  });

  test('unrelated trials are left out', () => {
    const run = new LockdepRun(layout());
    TRIALS.forEach((t) => run.trial(t));
    const usage = run.findings.find((f) => f.kind === 'inconsistent-lock-state')!;
    // a's first use and its HARDIRQ-ON use; d's and c's trials say nothing about a
    expect(usage.priorSegments).toEqual(['seg1', 'seg4']);
  });
});
