import { describe, expect, test } from 'vitest';
import { Op } from '../../src/machine/events.ts';
import { decl, layoutOf } from '../support/event-builder.ts';
import { LockdepRun, lines } from './harness.ts';

const abc = () => layoutOf({ a: decl('spinlock'), b: decl('spinlock'), c: decl('spinlock') });

describe('circular dependency', () => {
  test('A->B in one trial and B->A in a later one is reported, with the kernel report', () => {
    const run = new LockdepRun(abc());
    expect(
      run.trial((b) =>
        b.on(0).spin_lock('a', 'abba.ts:10').spin_lock('b', 'abba.ts:11').spin_unlock('b').spin_unlock('a'),
      ),
    ).toEqual([]);
    run.trial((b) => b.on(0).spin_lock('a', 'abba.ts:10').spin_unlock('a'));
    const [f, ...more] = run.trial((b) =>
      b.on(1).spin_lock('b', 'abba.ts:20').spin_lock('a', 'abba.ts:21').spin_unlock('a').spin_unlock('b'),
    );
    expect(more).toEqual([]);
    expect(f!.kind).toBe('circular-dependency');
    expect(f!.signature).toBe('circular-dependency:a -> b');
    expect(f!.detector).toBe('lockdep');
    expect(f!.locks).toEqual(['a', 'b']);
    expect(f!.cpus).toEqual([0, 1]);
    expect(f!.priorSegments).toEqual(['seg0']);
    expect(f!.refs[0]).toEqual({ trial: 2, seq: 1 });
    expect(lines(run.render(f!))).toEqual([
      'WARNING: possible circular locking dependency detected',
      '======================================================',
      'cpu1/1002 is trying to acquire lock:',
      '(a){+.+.}, at: abba.ts:21',
      '',
      'but task is already holding lock:',
      '(b){+.+.}, at: abba.ts:20',
      '',
      'which lock already depends on the new lock.',
      '',
      '',
      'the existing dependency chain (in reverse order) is:',
      '',
      '-> #1 (b){+.+.}:',
      '       abba.ts:11',
      '',
      '-> #0 (a){+.+.}:',
      '       abba.ts:21',
      '',
      'other info that might help us debug this:',
      '',
      ' Possible unsafe locking scenario:',
      '',
      '       CPU0                    CPU1',
      '       ----                    ----',
      '  lock(b);',
      '                               lock(a);',
      '                               lock(b);',
      '  lock(a);',
      '',
      ' *** DEADLOCK ***',
      '',
      '1 lock held by cpu1/1002:',
      ' #0: (b){+.+.}, at: abba.ts:20',
    ]);
  });

  test('both orders in one trial on one CPU are enough (no deadlock needed)', () => {
    const run = new LockdepRun(abc());
    const found = run.trial((b) =>
      b.on(0).spin_lock('a').spin_lock('b').spin_unlock('b').spin_unlock('a').spin_lock('b').spin_lock('a'),
    );
    expect(found.map((f) => f.signature)).toEqual(['circular-dependency:a -> b']);
    expect(found[0]!.priorSegments).toEqual([]);
  });

  test('the signature does not depend on which order came first', () => {
    const first = new LockdepRun(abc());
    first.trial((b) => b.on(0).spin_lock('a').spin_lock('b'));
    const [x] = first.trial((b) => b.on(1).spin_lock('b').spin_lock('a'));
    const second = new LockdepRun(abc());
    second.trial((b) => b.on(1).spin_lock('b').spin_lock('a'));
    const [y] = second.trial((b) => b.on(0).spin_lock('a').spin_lock('b'));
    expect(x!.signature).toBe(y!.signature);
  });

  test('a three-lock cycle prints "Chain exists of" and every link', () => {
    const run = new LockdepRun(abc());
    run.trial((b) => b.on(0).spin_lock('a', 'c.ts:5').spin_lock('b', 'c.ts:6'));
    run.trial((b) => b.on(1).spin_lock('b', 'c.ts:10').spin_lock('c', 'c.ts:11'));
    const [f] = run.trial((b) => b.on(1).spin_lock('c', 'c.ts:20').spin_lock('a', 'c.ts:21'));
    expect(f!.signature).toBe('circular-dependency:a -> b -> c');
    expect(f!.priorSegments).toEqual(['seg0', 'seg1']);
    const text = lines(run.render(f!));
    expect(text.slice(text.indexOf('the existing dependency chain (in reverse order) is:'))).toEqual([
      'the existing dependency chain (in reverse order) is:',
      '',
      '-> #2 (c){+.+.}:',
      '       c.ts:11',
      '',
      '-> #1 (b){+.+.}:',
      '       c.ts:6',
      '',
      '-> #0 (a){+.+.}:',
      '       c.ts:21',
      '',
      'other info that might help us debug this:',
      '',
      'Chain exists of:',
      '  a --> b --> c',
      '',
      ' Possible unsafe locking scenario:',
      '',
      '       CPU0                    CPU1',
      '       ----                    ----',
      '  lock(c);',
      '                               lock(b);',
      '                               lock(c);',
      '  lock(a);',
      '',
      ' *** DEADLOCK ***',
      '',
      '1 lock held by cpu1/1002:',
      ' #0: (c){+.+.}, at: c.ts:20',
    ]);
  });

  test('a consistent order is never reported, and known facts cost no segment', () => {
    const run = new LockdepRun(abc());
    for (let t = 0; t < 20; t++) {
      run.trial((b) => {
        b.on(t % 2)
          .spin_lock('a')
          .spin_lock('b')
          .spin_lock('c')
          .spin_unlock('c')
          .spin_unlock('b')
          .spin_unlock('a');
      });
    }
    expect(run.findings).toEqual([]);
    // trial 1 runs on CPU1 but records nothing new either
    expect(run.segmentCalls).toEqual([0]);
  });

  test('each bug is reported once per detector instance', () => {
    const run = new LockdepRun(abc());
    run.trial((b) => b.on(0).spin_lock('a').spin_lock('b'));
    expect(run.trial((b) => b.on(1).spin_lock('b').spin_lock('a'))).toHaveLength(1);
    expect(run.trial((b) => b.on(1).spin_lock('b').spin_lock('a'))).toEqual([]);
    expect(run.trial((b) => b.on(0).spin_lock('a').spin_lock('b'))).toEqual([]);
  });

  test('a trylock adds no dependency of its own, but later locks depend on it', () => {
    const run = new LockdepRun(abc());
    run.trial((b) => b.on(0).spin_lock('a').spin_trylock('b').spin_lock('c'));
    // b was only trylocked under a: b -> a is fine
    expect(run.trial((b) => b.on(1).spin_lock('b').spin_lock('a'))).toEqual([]);
    // c was taken under the trylocked b, and under a through it
    const found = run.trial((b) => b.on(1).spin_lock('c').spin_lock('b').spin_unlock('b').spin_lock('a'));
    expect(found.map((f) => f.signature).sort()).toEqual(['circular-dependency:a -> c', 'circular-dependency:b -> c']);
  });

  test('a failed trylock is ignored', () => {
    const run = new LockdepRun(abc());
    run.trial((b) => b.on(0).spin_lock('a').spin_trylock('b', false).spin_lock('c').spin_unlock('c'));
    expect(run.trial((b) => b.on(1).spin_lock('c').spin_lock('b'))).toEqual([]);
  });

  test('a nested subclass is a class of its own, printed key/N', () => {
    const run = new LockdepRun(layoutOf({ node: decl('spinlock', 2) }));
    expect(run.trial((b) => b.on(0).spin_lock('node[0]').spin_lock_nested('node[1]', 1))).toEqual([]);
    const [f] = run.trial((b) => b.on(1).spin_lock_nested('node[1]', 1, 'n.ts:4').spin_lock('node[0]', 'n.ts:5'));
    expect(f!.signature).toBe('circular-dependency:node -> node/1');
    expect(lines(run.render(f!)).slice(2, 7)).toEqual([
      'cpu1/1002 is trying to acquire lock:',
      '(node){+.+.}, at: n.ts:5',
      '',
      'but task is already holding lock:',
      '(node/1){+.+.}, at: n.ts:4',
    ]);
  });

  test('an acquisition is validated at LOCK_CONTENDED, once, even if it never gets the lock', () => {
    const run = new LockdepRun(abc());
    run.trial((b) => b.on(0).spin_lock('a').spin_lock_contended('b', 'w.ts:3').spin_unlock('b').spin_unlock('a'));
    const [f] = run.trial((b) => b.on(1).spin_lock('b', 'w.ts:8').spin_lock_stuck('a', 'w.ts:9'));
    expect(f!.signature).toBe('circular-dependency:a -> b');
    const text = lines(run.render(f!));
    expect(text).toContain('       w.ts:3');
    expect(text).toContain('(a){+.+.}, at: w.ts:9');
  });

  test('locks of an interrupt handler do not depend on the locks it interrupted', () => {
    const run = new LockdepRun(abc());
    run.trial((b) =>
      b
        .on(0)
        .spin_lock('a')
        .irq(0, () => b.spin_lock('b').spin_unlock('b'))
        .spin_unlock('a'),
    );
    run.trial((b) => b.on(1).spin_lock_irqsave('b').spin_lock('a'));
    expect(run.findings.filter((f) => f.kind === 'circular-dependency')).toEqual([]);
  });

  test('sleeping locks take part like spinlocks; semaphores are not validated', () => {
    const run = new LockdepRun(layoutOf({ m: decl('mutex'), s: decl('spinlock'), sem: decl('semaphore', 1, 1) }));
    run.trial((b) => b.on(0).mutex_lock('m').spin_lock('s').spin_unlock('s').mutex_unlock('m'));
    const [f] = run.trial((b) => b.on(1).spin_lock('s').mutex_lock('m'));
    expect(f!.signature).toBe('circular-dependency:m -> s');
    const sem = new LockdepRun(layoutOf({ sem: decl('semaphore', 1, 1), s: decl('spinlock') }));
    sem.trial((b) => b.on(0).acquire('sem', 0, 'down').spin_lock('s').spin_unlock('s').release('sem', 0, 'up'));
    sem.trial((b) => b.on(1).spin_lock('s').acquire('sem', 0, 'down').release('sem', 0, 'up'));
    sem.trial((b) => b.on(1).release('sem', 0, 'up'));
    expect(sem.findings).toEqual([]);
  });

  test('a wait given up (WAKE without the lock) does not swallow the next acquisition', () => {
    const run = new LockdepRun(layoutOf({ m: decl('mutex'), s: decl('spinlock') }));
    run.trial((b) => b.on(0).mutex_lock('m').spin_lock('s').spin_unlock('s').mutex_unlock('m'));
    const found = run.trial((b) => {
      b.on(1).acquire('m', 0, 'mutex_lock_interruptible', 'i.ts:3', true);
      // undo the acquisition the builder wrote: the wait ends with WAKE instead
      b.truncate(b.length - 1).emit(Op.WAKE, b.id('m'), 1, 1002, 'mutex_lock_interruptible', 'i.ts:3');
      b.spin_lock('s', 'i.ts:5').mutex_lock('m', 'i.ts:6');
    });
    expect(found.map((f) => f.signature)).toEqual(['circular-dependency:m -> s']);
    expect(lines(run.render(found[0]!))[3]).toBe('(m){+.+.}, at: i.ts:6');
  });
});
