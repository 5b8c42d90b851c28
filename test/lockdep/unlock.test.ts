import { describe, expect, test } from 'vitest';
import { decl, layoutOf } from '../support/event-builder.ts';
import { LockdepRun, lines } from './harness.ts';

describe('bad unlock balance', () => {
  test('releasing a lock never taken', () => {
    const run = new LockdepRun(layoutOf({ a: decl('spinlock'), b: decl('spinlock') }));
    const [f] = run.trial((b) => b.on(0).spin_lock('b', 'u.ts:4').spin_unlock('a', 'u.ts:5'));
    expect(f!.kind).toBe('bad-unlock-balance');
    expect(f!.signature).toBe('bad-unlock-balance:a');
    expect(f!.refs).toEqual([{ trial: 0, seq: 1 }]);
    expect(lines(run.render(f!))).toEqual([
      'WARNING: bad unlock balance detected!',
      '=====================================',
      'cpu0/1001 is trying to release lock (a) at:',
      'u.ts:5',
      'but there are no more locks to release!',
      '',
      'other info that might help us debug this:',
      '1 lock held by cpu0/1001:',
      ' #0: (b){+.+.}, at: u.ts:4',
    ]);
  });

  test('releasing twice, and the empty held-lock list', () => {
    const run = new LockdepRun(layoutOf({ a: decl('spinlock') }));
    const [f] = run.trial((b) => b.on(1).spin_lock('a').spin_unlock('a').spin_unlock('a', 'u.ts:9'));
    expect(lines(run.render(f!)).slice(2)).toEqual([
      'cpu1/1002 is trying to release lock (a) at:',
      'u.ts:9',
      'but there are no more locks to release!',
      '',
      'other info that might help us debug this:',
      'no locks held by cpu1/1002.',
    ]);
  });

  test('an interrupt handler releasing the lock its task holds', () => {
    const run = new LockdepRun(layoutOf({ a: decl('spinlock') }));
    const found = run.trial((b) =>
      b
        .on(0)
        .spin_lock_irqsave('a')
        .irq(0, () => b.spin_unlock('a')),
    );
    expect(found.map((f) => f.kind)).toEqual(['bad-unlock-balance']);
  });

  test('a mutex released by another task than its owner', () => {
    const run = new LockdepRun(layoutOf({ m: decl('mutex') }));
    const found = run.trial((b) => b.on(0).mutex_lock('m').on(1).mutex_unlock('m'));
    expect(found.map((f) => f.signature)).toEqual(['bad-unlock-balance:m']);
  });

  test('out-of-order release is fine', () => {
    const run = new LockdepRun(layoutOf({ a: decl('spinlock'), b: decl('spinlock') }));
    expect(run.trial((b) => b.on(0).spin_lock('a').spin_lock('b').spin_unlock('a').spin_unlock('b'))).toEqual([]);
  });
});
