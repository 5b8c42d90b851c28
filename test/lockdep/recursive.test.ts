import { describe, expect, test } from 'vitest';
import { decl, layoutOf } from '../support/event-builder.ts';
import { oneCpuScenario } from './expected.ts';
import { LockdepRun, lines } from './harness.ts';

describe('recursive locking', () => {
  test('taking a held lock again is reported with the one-CPU scenario', () => {
    const run = new LockdepRun(layoutOf({ a: decl('spinlock') }));
    const [f, ...more] = run.trial((b) => b.on(0).spin_lock('a', 'r.ts:5').spin_lock('a', 'r.ts:6'));
    expect(more).toEqual([]);
    expect(f!.kind).toBe('recursive-locking');
    expect(f!.signature).toBe('recursive-locking:a');
    expect(f!.refs).toEqual([
      { trial: 0, seq: 1 },
      { trial: 0, seq: 0 },
    ]);
    expect(lines(run.render(f!))).toEqual([
      'WARNING: possible recursive locking detected',
      '============================================',
      'cpu0/1001 is trying to acquire lock:',
      '(a){+.+.}, at: r.ts:6',
      '',
      'but task is already holding lock:',
      '(a){+.+.}, at: r.ts:5',
      '',
      'other info that might help us debug this:',
      ...oneCpuScenario('  lock(a);', '  lock(a);'),
      ' May be due to missing lock nesting notation',
      '',
      '1 lock held by cpu0/1001:',
      ' #0: (a){+.+.}, at: r.ts:5',
    ]);
  });

  test('two instances of one class are one class, unless nested with a subclass', () => {
    const run = new LockdepRun(layoutOf({ lock: decl('spinlock', 2) }));
    const found = run.trial((b) => b.on(0).spin_lock('lock[0]').spin_lock('lock[1]'));
    expect(found.map((f) => f.signature)).toEqual(['recursive-locking:lock']);
    const nested = new LockdepRun(layoutOf({ lock: decl('spinlock', 2) }));
    expect(nested.trial((b) => b.on(0).spin_lock('lock[0]').spin_lock_nested('lock[1]', 1))).toEqual([]);
  });

  test('a recursive read of a read-held rwlock is allowed; a task-context re-read is not', () => {
    const run = new LockdepRun(layoutOf({ rw: decl('rwlock') }));
    // in softirq context read_lock is a recursive reader (the queued-rwlock rule)
    expect(run.trial((b) => b.on(0).softirq(0, () => b.read_lock('rw').read_lock('rw')))).toEqual([]);
    const [f] = run.trial((b) => b.on(1).read_lock('rw').read_lock('rw'));
    expect(f!.signature).toBe('recursive-locking:rw');
  });

  test('a write after a read of the same rwlock is recursive locking', () => {
    const run = new LockdepRun(layoutOf({ rw: decl('rwlock') }));
    const [f] = run.trial((b) => b.on(0).softirq(0, () => b.read_lock('rw').write_lock('rw')));
    expect(f!.kind).toBe('recursive-locking');
  });

  test('the same lock in the task and in an interrupt on its CPU is a usage bug, not recursion', () => {
    const run = new LockdepRun(layoutOf({ a: decl('spinlock') }));
    const found = run.trial((b) =>
      b
        .on(0)
        .spin_lock('a')
        .irq(0, () => b.spin_lock('a')),
    );
    expect(found.map((f) => f.kind)).toEqual(['inconsistent-lock-state']);
  });
});
