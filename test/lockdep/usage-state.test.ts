import { describe, expect, test } from 'vitest';
import { usageChars } from '../../src/check/lockdep/usage-bits.ts';
import { decl, layoutOf } from '../support/event-builder.ts';
import { oneCpuScenario } from './expected.ts';
import { LockdepRun, lines } from './harness.ts';

const one = () => layoutOf({ a: decl('spinlock'), b: decl('spinlock') }, 2, [{ irq: 10, name: 'eth0' }]);

describe('usage strings', () => {
  test('the kernel table: . never, - in irq, + irqs on, ? both; exclusive then read, per state', () => {
    expect(usageChars(0)).toBe('....');
    expect(usageChars(1 << 0)).toBe('-...'); // IN-HARDIRQ-W
    expect(usageChars(1 << 2)).toBe('+...'); // HARDIRQ-ON-W
    expect(usageChars((1 << 0) | (1 << 2))).toBe('?...');
    expect(usageChars((1 << 2) | (1 << 6))).toBe('+.+.');
    expect(usageChars((1 << 1) | (1 << 7))).toBe('.-.+');
    expect(usageChars((1 << 4) | (1 << 3))).toBe('.+-.');
  });
});

describe('inconsistent lock state', () => {
  test('irqs-on use then hardirq use, with the kernel report', () => {
    const run = new LockdepRun(one());
    expect(run.trial((b) => b.on(1).spin_lock('a', 'st.ts:7').spin_unlock('a'))).toEqual([]);
    const [f] = run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a', 'st.ts:20').spin_unlock('a')));
    expect(f!.kind).toBe('inconsistent-lock-state');
    expect(f!.priorSegments).toEqual(['seg0']);
    expect(lines(run.render(f!))).toEqual([
      'WARNING: inconsistent lock state',
      '================================',
      'inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.',
      'cpu0/1001 [HC1[1]:SC0[0]:HE0:SE1] takes:',
      '(a){?.+.}, at: st.ts:20',
      '{HARDIRQ-ON-W} state was registered at:',
      '  st.ts:7',
      '',
      'other info that might help us debug this:',
      ...oneCpuScenario('  lock(a);', '  <Interrupt>', '    lock(a);'),
      'no locks held by cpu0/1001.',
    ]);
  });

  test('the other order is the same bug', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a', 'st.ts:20').spin_unlock('a')));
    const [f] = run.trial((b) => b.on(1).spin_lock('a', 'st.ts:7'));
    expect(lines(run.render(f!)).slice(2, 7)).toEqual([
      'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      'cpu1/1002 [HC0[0]:SC0[0]:HE1:SE1] takes:',
      // marked as the kernel marks: the first conflicting bit stops it, SOFTIRQ-ON is not set yet
      '(a){?...}, at: st.ts:7',
      '{IN-HARDIRQ-W} state was registered at:',
      '  st.ts:20',
    ]);
    const other = new LockdepRun(one());
    other.trial((b) => b.on(1).spin_lock('a').spin_unlock('a'));
    const [g] = other.trial((b) => b.on(0).irq(0, () => b.spin_lock('a')));
    expect(f!.signature).toBe(g!.signature);
  });

  test('spin_lock_irqsave everywhere outside the handler is consistent', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(1).spin_lock_irqsave('a').spin_unlock_irqrestore('a'));
    run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a').spin_unlock('a')));
    run.trial((b) => b.on(0).spin_lock_irq('a').spin_unlock_irq('a'));
    expect(run.findings).toEqual([]);
  });

  test('enabling irqs while holding an irq-safe lock marks it at the enable', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a', 'st.ts:20').spin_unlock('a')));
    const [f] = run.trial((b) =>
      b.on(1).local_irq_disable('st.ts:30').spin_lock('a', 'st.ts:31').local_irq_enable('st.ts:32'),
    );
    expect(f!.refs[0]).toEqual({ trial: 1, seq: 2 });
    const text = lines(run.render(f!));
    expect(text.slice(2, 7)).toEqual([
      'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      'cpu1/1002 [HC0[0]:SC0[0]:HE0:SE1] takes:',
      '(a){?...}, at: st.ts:31',
      '{IN-HARDIRQ-W} state was registered at:',
      '  st.ts:20',
    ]);
    expect(text.slice(-2)).toEqual(['1 lock held by cpu1/1002:', ' #0: (a){?...}, at: st.ts:31']);
  });

  test('softirq use against softirqs-on use; spin_lock_bh is consistent', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(0).spin_lock_bh('a').spin_unlock_bh('a'));
    run.trial((b) => b.on(1).softirq(0, () => b.spin_lock('a').spin_unlock('a')));
    expect(run.findings).toEqual([]);
    const [f] = run.trial((b) => b.on(0).spin_lock('a', 'bh.ts:3'));
    expect(lines(run.render(f!)).slice(2, 5)).toEqual([
      'inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.',
      'cpu0/1001 [HC0[0]:SC0[0]:HE1:SE1] takes:',
      '(a){+.?.}, at: bh.ts:3',
    ]);
  });

  test('re-enabling softirqs with a lock held marks it softirq-unsafe', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(1).softirq(0, () => b.spin_lock('a', 'bh.ts:20').spin_unlock('a')));
    const [f] = run.trial((b) => b.on(0).local_bh_disable().spin_lock('a', 'bh.ts:30').local_bh_enable('bh.ts:31'));
    expect(f!.refs[0]).toEqual({ trial: 1, seq: 2 });
    expect(lines(run.render(f!)).slice(2, 5)).toEqual([
      'inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.',
      'cpu0/1001 [HC0[0]:SC0[0]:HE1:SE1] takes:',
      '(a){+.?.}, at: bh.ts:30',
    ]);
  });

  test('a trylock in a handler is not an irq use', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(1).spin_lock('a').spin_unlock('a'));
    run.trial((b) => b.on(0).irq(0, () => b.spin_trylock('a').spin_unlock('a')));
    expect(run.findings).toEqual([]);
  });

  test('readers: a recursive read in a handler against reads with irqs on is fine', () => {
    const run = new LockdepRun(layoutOf({ rw: decl('rwlock') }));
    run.trial((b) => b.on(1).read_lock('rw').read_unlock('rw'));
    run.trial((b) => b.on(0).irq(0, () => b.read_lock('rw').read_unlock('rw')));
    expect(run.findings).toEqual([]);
    const [f] = run.trial((b) => b.on(1).write_lock('rw', 'rw.ts:9'));
    expect(lines(run.render(f!)).slice(2, 5)).toEqual([
      'inconsistent {IN-HARDIRQ-R} -> {HARDIRQ-ON-W} usage.',
      'cpu1/1002 [HC0[0]:SC0[0]:HE1:SE1] takes:',
      '(rw){+?.+}, at: rw.ts:9',
    ]);
  });

  test('a hardirq nested in a softirq uses the lock in both contexts', () => {
    const run = new LockdepRun(one());
    run.trial((b) => b.on(0).softirq(0, () => b.irq(0, () => b.spin_lock('a', 'n.ts:4').spin_unlock('a'))));
    const [f] = run.trial((b) => b.on(1).local_irq_disable().spin_lock('a', 'n.ts:9').local_irq_enable('n.ts:10'));
    expect(f!.signature).toBe('inconsistent-lock-state:a:IN-HARDIRQ-W/HARDIRQ-ON-W');
    expect(lines(run.render(f!)).slice(3, 5)).toEqual([
      'cpu1/1002 [HC0[0]:SC0[0]:HE0:SE1] takes:',
      '(a){?.-.}, at: n.ts:9',
    ]);
    const inIrq = new LockdepRun(one());
    inIrq.trial((b) => b.on(1).spin_lock('a').spin_unlock('a'));
    const [g] = inIrq.trial((b) => b.on(0).softirq(0, () => b.irq(0, () => b.spin_lock('a'))));
    expect(lines(inIrq.render(g!))[3]).toBe('cpu0/1001 [HC1[1]:SC1[1]:HE0:SE0] takes:');
  });
});
