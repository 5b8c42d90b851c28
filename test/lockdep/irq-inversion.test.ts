import { describe, expect, test } from 'vitest';
import { decl, layoutOf, type EventBuilder } from '../support/event-builder.ts';
import { irqScenario } from './expected.ts';
import { LockdepRun, lines } from './harness.ts';

const ab = () => layoutOf({ a: decl('spinlock'), b: decl('spinlock'), c: decl('spinlock') });
/** a -> b recorded with irqs off: no usage conflict yet */
const orderAB = (b: EventBuilder) =>
  b.on(0).spin_lock_irqsave('a', 'inv.ts:10').spin_lock('b', 'inv.ts:11').spin_unlock('b').spin_unlock_irqrestore('a');

describe('irq lock inversion', () => {
  test('a lock becoming irq-safe after it took an irq-unsafe one', () => {
    const run = new LockdepRun(ab());
    run.trial(orderAB);
    run.trial((b) => b.on(1).spin_lock('b', 'inv.ts:20').spin_unlock('b'));
    expect(run.findings).toEqual([]);
    const [f, ...more] = run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a', 'inv.ts:30').spin_unlock('a')));
    expect(more).toEqual([]);
    expect(f!.kind).toBe('irq-lock-inversion');
    expect(f!.signature).toBe('irq-lock-inversion:HARDIRQ:a->b');
    expect(f!.priorSegments).toEqual(['seg0', 'seg1']);
    expect(lines(run.render(f!))).toEqual([
      'WARNING: possible irq lock inversion dependency detected',
      '========================================================',
      'cpu0/1001 just changed the state of lock:',
      '(a){-...}, at: inv.ts:30',
      'but this lock took another, HARDIRQ-unsafe lock in the past:',
      ' (b){+.+.}',
      '',
      '',
      'and interrupts could create inverse lock ordering between them.',
      '',
      '',
      'other info that might help us debug this:',
      ...irqScenario('a', 'b'),
      'no locks held by cpu0/1001.',
      '',
      'the shortest dependencies between 2nd lock and 1st lock:',
      ' -> (b){+.+.} {',
      '    HARDIRQ-ON-W at:',
      '                      inv.ts:20',
      '    SOFTIRQ-ON-W at:',
      '                      inv.ts:20',
      '    INITIAL USE at:',
      '                     inv.ts:11',
      '  }',
      '  ... acquired at:',
      '   inv.ts:11',
      '',
      '-> (a){-...} {',
      '   IN-HARDIRQ-W at:',
      '                    inv.ts:30',
      '   INITIAL USE at:',
      '                   inv.ts:10',
      ' }',
      ' ... acquired at:',
      '   inv.ts:30',
    ]);
  });

  test('a lock becoming irq-unsafe after an irq-safe one took it: the same bug', () => {
    const run = new LockdepRun(ab());
    run.trial(orderAB);
    run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a', 'inv.ts:30').spin_unlock('a')));
    expect(run.findings).toEqual([]);
    const [f] = run.trial((b) => b.on(1).spin_lock('b', 'inv.ts:20').spin_unlock('b'));
    expect(f!.signature).toBe('irq-lock-inversion:HARDIRQ:a->b');
    const text = lines(run.render(f!));
    expect(text.slice(2, 6)).toEqual([
      'cpu1/1002 just changed the state of lock:',
      '(b){+...}, at: inv.ts:20',
      'but this lock was taken by another, HARDIRQ-safe lock in the past:',
      ' (a){-...}',
    ]);
    const scenario = text.indexOf(' Possible interrupt unsafe locking scenario:');
    expect(text.slice(scenario, scenario + 13)).toEqual(irqScenario('a', 'b'));
  });

  test('through a middle lock the scenario names the chain', () => {
    const run = new LockdepRun(ab());
    run.trial((b) => b.on(0).spin_lock_irq('a').spin_lock('c').spin_unlock('c').spin_unlock_irq('a'));
    run.trial((b) => b.on(0).spin_lock_irq('c').spin_lock('b').spin_unlock('b').spin_unlock_irq('c'));
    run.trial((b) => b.on(1).spin_lock('b').spin_unlock('b'));
    const [f] = run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a')));
    const text = lines(run.render(f!));
    expect(text.slice(text.indexOf('Chain exists of:'), text.indexOf('Chain exists of:') + 3)).toEqual([
      'Chain exists of:',
      '  a --> c --> b',
      '',
    ]);
    expect(f!.priorSegments).toEqual(['seg0', 'seg1', 'seg2']);
  });

  test('a new dependency from an irq-safe to an irq-unsafe lock', () => {
    const run = new LockdepRun(ab());
    run.trial((b) => b.on(0).irq(0, () => b.spin_lock('a', 'ord.ts:10').spin_unlock('a')));
    run.trial((b) => b.on(1).spin_lock('b', 'ord.ts:20').spin_unlock('b'));
    const [f, ...more] = run.trial((b) => b.on(0).spin_lock_irqsave('a', 'ord.ts:30').spin_lock('b', 'ord.ts:31'));
    expect(more).toEqual([]);
    expect(f!.kind).toBe('irq-lock-inversion');
    expect(f!.signature).toBe('irq-lock-inversion:HARDIRQ:a->b');
    expect(f!.title).toBe('WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected');
    expect(f!.priorSegments).toEqual(['seg0', 'seg1']);
    expect(lines(run.render(f!))).toEqual([
      'WARNING: HARDIRQ-safe -> HARDIRQ-unsafe lock order detected',
      '===========================================================',
      'cpu0/1001 [HC0[0]:SC0[0]:HE0:SE1] is trying to acquire:',
      '(b){+.+.}, at: ord.ts:31',
      '',
      'and this task is already holding:',
      '(a){-...}, at: ord.ts:30',
      'which would create a new lock dependency:',
      ' (a){-...} -> (b){+.+.}',
      '',
      'but this new dependency connects a HARDIRQ-irq-safe lock:',
      ' (a){-...}',
      '',
      '... which became HARDIRQ-irq-safe at:',
      '  ord.ts:10',
      '',
      'to a HARDIRQ-irq-unsafe lock:',
      ' (b){+.+.}',
      '',
      '... which became HARDIRQ-irq-unsafe at:',
      '...',
      '  ord.ts:20',
      '',
      'other info that might help us debug this:',
      '',
      ...irqScenario('a', 'b'),
      '1 lock held by cpu0/1001:',
      ' #0: (a){-...}, at: ord.ts:30',
      '',
      'the dependencies between HARDIRQ-irq-safe lock and the holding lock:',
      '-> (a){-...} {',
      '   IN-HARDIRQ-W at:',
      '                    ord.ts:10',
      '   INITIAL USE at:',
      '                   ord.ts:10',
      ' }',
      '',
      'the dependencies between the lock to be acquired',
      ' and HARDIRQ-irq-unsafe lock:',
      '-> (b){+.+.} {',
      '   HARDIRQ-ON-W at:',
      '                    ord.ts:20',
      '   SOFTIRQ-ON-W at:',
      '                    ord.ts:20',
      '   INITIAL USE at:',
      '                   ord.ts:20',
      ' }',
      ' ... acquired at:',
      '   ord.ts:31',
    ]);
  });

  test('softirq-safe -> softirq-unsafe, through the lock held', () => {
    const run = new LockdepRun(ab());
    run.trial((b) =>
      b.on(0).spin_lock_bh('a', 'sf.ts:3').spin_lock('c', 'sf.ts:4').spin_unlock('c').spin_unlock_bh('a'),
    );
    run.trial((b) => b.on(1).softirq(0, () => b.spin_lock('a', 'sf.ts:10').spin_unlock('a')));
    run.trial((b) => b.on(1).spin_lock('b', 'sf.ts:20').spin_unlock('b'));
    expect(run.findings).toEqual([]);
    const [f, ...more] = run.trial((b) =>
      b.on(0).local_bh_disable().spin_lock('c', 'sf.ts:30').spin_lock('b', 'sf.ts:31'),
    );
    expect(more).toEqual([]);
    expect(f!.signature).toBe('irq-lock-inversion:SOFTIRQ:a->b');
    expect(f!.title).toBe('WARNING: SOFTIRQ-safe -> SOFTIRQ-unsafe lock order detected');
    expect(f!.priorSegments).toEqual(['seg0', 'seg1', 'seg2']);
    const text = lines(run.render(f!));
    expect(text[2]).toBe('cpu0/1001 [HC0[0]:SC0[2]:HE1:SE0] is trying to acquire:');
    expect(text.slice(text.indexOf('Chain exists of:'), text.indexOf('Chain exists of:') + 2)).toEqual([
      'Chain exists of:',
      '  a --> c --> b',
    ]);
    const deps = text.indexOf('the dependencies between SOFTIRQ-irq-safe lock and the holding lock:');
    expect(text.slice(deps, deps + 20)).toEqual([
      'the dependencies between SOFTIRQ-irq-safe lock and the holding lock:',
      ' -> (a){+.-.} {',
      '    HARDIRQ-ON-W at:',
      '                      sf.ts:3',
      '    IN-SOFTIRQ-W at:',
      '                      sf.ts:10',
      '    INITIAL USE at:',
      '                     sf.ts:3',
      '  }',
      '-> (c){+...} {',
      '   HARDIRQ-ON-W at:',
      '                    sf.ts:4',
      '   INITIAL USE at:',
      '                   sf.ts:4',
      ' }',
      ' ... acquired at:',
      '   sf.ts:4',
      '',
      '',
      'the dependencies between the lock to be acquired',
    ]);
  });

  test('a recursive read in a handler never deadlocks against other readers', () => {
    const run = new LockdepRun(layoutOf({ rw: decl('rwlock'), s: decl('spinlock') }));
    // rw read-held with irqs on, under which s is taken: rw -(SN)-> s, both HARDIRQ-ON
    run.trial((b) => b.on(1).read_lock('rw').spin_lock('s').spin_unlock('s').read_unlock('rw'));
    // the handler only reads rw (recursively): IN-HARDIRQ-R; its path to s starts with -(S*)
    run.trial((b) => b.on(0).irq(0, () => b.read_lock('rw').read_unlock('rw')));
    expect(run.findings).toEqual([]);
  });
});
