/**
 * Issue 3's acceptance on the real machine: lock-order cycles found from one CPU on the first
 * trial, irq-safety found on the first trial where both uses happened, silence for the correct
 * versions, kernel-shaped report text line by line, and replay tokens that reproduce it.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../../src/index.ts';
import type { Finding } from '../../src/run/result.ts';
import { scenarioFile } from '../helpers.ts';

afterAll(() => shutdown());

/** The report of `f` replayed from its token: the same bug with the same text. */
async function expectReplayed(path: string, f: Finding): Promise<void> {
  const r = await replay(path, f.replay);
  const again = r.findings.find((x) => x.signature === f.signature);
  expect(again?.report).toBe(f.report);
}

const oneCpuAbba = () =>
  scenarioFile(
    'ab-then-ba',
    `import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { a: spinlock(), b: spinlock() },
  tasks: [{ cpu: 0, run: (s) => {
    spin_lock(s.a);
    spin_lock(s.b);
    spin_unlock(s.b);
    spin_unlock(s.a);
    spin_lock(s.b);
    spin_lock(s.a);
    spin_unlock(s.a);
    spin_unlock(s.b);
  } }],
});
`,
  );

describe('lock order', () => {
  it('1 CPU taking A->B then B->A: circular-dependency on trial 1, in the kernel report shape', async () => {
    const p = oneCpuAbba();
    const r = await explore(p, { trials: 20, seed: 1 });
    expect(r.findings.map((f) => f.kind)).toEqual(['circular-dependency']);
    const f = r.findings[0]!;
    expect(f.firstTrial).toBe(0);
    expect(f.locks).toEqual(['a', 'b']);
    expect(f.report.split('\n')).toEqual([
      'WARNING: possible circular locking dependency detected',
      '======================================================',
      'cpu0/1001 is trying to acquire lock:',
      `(a){+.+.}, at: ${p}:11`,
      '',
      'but task is already holding lock:',
      `(b){+.+.}, at: ${p}:10`,
      '',
      'which lock already depends on the new lock.',
      '',
      '',
      'the existing dependency chain (in reverse order) is:',
      '',
      '-> #1 (b){+.+.}:',
      `       ${p}:7`,
      '',
      '-> #0 (a){+.+.}:',
      `       ${p}:11`,
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
      '1 lock held by cpu0/1001:',
      ` #0: (b){+.+.}, at: ${p}:10`,
      '',
      `replay: smpsim replay ${p} ${f.replay}`,
      '',
    ]);
    await expectReplayed(p, f);
  });

  it('2 CPUs taking A then B in one order: nothing in 1,000 trials', async () => {
    const p = scenarioFile(
      'ab-ab',
      `import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';
const ab = (s: any) => { spin_lock(s.a); spin_lock(s.b); spin_unlock(s.b); spin_unlock(s.a); };
export default scenario({
  cpus: 2,
  state: { a: spinlock(), b: spinlock() },
  tasks: [{ cpu: 0, run: ab }, { cpu: 1, run: ab }],
});
`,
    );
    const r = await explore(p, { trials: 1000, seed: 1 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
    expect(r.switches).toBeGreaterThan(0);
  });
});

describe('irq safety', () => {
  const irqScenario = (lock: string, unlock: string) =>
    scenarioFile(
      'irq-and-task',
      `import { scenario, spinlock, spin_lock, spin_unlock, spin_lock_irqsave, spin_unlock_irqrestore, IRQ_HANDLED } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { lock: spinlock() },
  tasks: [{ cpu: 0, run: (s) => {
    ${lock}
    ${unlock}
  } }],
  irqs: [{ irq: 10, name: 'eth0', cpus: [0], handler: (s) => {
    spin_lock(s.lock);
    spin_unlock(s.lock);
    return IRQ_HANDLED;
  } }],
});
`,
    );
  const TASK_LINE = 6;
  const IRQ_LINE = 10;

  /**
   * The first trial of a run (seed) in which the handler ran, found without lockdep: the task
   * takes the lock in every trial, so that is the first trial where both uses happened.
   */
  async function firstTrialWithIrq(p: string, seed: number, upTo: number): Promise<number> {
    for (let k = 1; k <= upTo; k++) {
      const r = await explore(p, { trials: k, seed, detectors: false, reports: false });
      if (r.interrupts[0]!.perCpu[0]! > 0) return k - 1;
    }
    return -1;
  }

  it('taken in a handler and with plain spin_lock: inconsistent-lock-state on the first trial where both happened', async () => {
    const p = irqScenario('spin_lock(s.lock);', 'spin_unlock(s.lock);');
    const firsts: number[] = [];
    for (let seed = 1; seed <= 6; seed++) {
      const first = await firstTrialWithIrq(p, seed, 40);
      expect(first).toBeGreaterThanOrEqual(0);
      firsts.push(first);
      const r = await explore(p, { trials: 40, seed });
      const f = r.findings.find((x) => x.kind === 'inconsistent-lock-state');
      expect(f, `seed ${seed}`).toBeDefined();
      expect(f!.firstTrial, `seed ${seed}`).toBe(first);
      expect(r.findings.filter((x) => x.kind === 'inconsistent-lock-state')).toHaveLength(1);

      // the report, line by line: which use came second decides the direction and the site
      const lines = f!.report.split('\n');
      const irqSecond = lines[2] === 'inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.';
      expect(lines.slice(0, 3)).toEqual([
        'WARNING: inconsistent lock state',
        '================================',
        irqSecond
          ? 'inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage.'
          : 'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
      ]);
      expect(lines[3]).toMatch(
        irqSecond ? /^\S+ \[HC1\[1\]:SC0\[0\]:HE0:SE1\] takes:$/ : /^cpu0\/1001 \[HC0\[0\]:SC0\[0\]:HE1:SE1\] takes:$/,
      );
      // usage as it stands when the check fails: when the task's use comes second, its
      // HARDIRQ-ON-W is what conflicts, before SOFTIRQ-ON-W is marked (as the kernel's mark_usage)
      expect(lines.slice(4, 7)).toEqual([
        `(lock){${irqSecond ? '?.+.' : '?...'}}, at: ${p}:${irqSecond ? IRQ_LINE : TASK_LINE}`,
        irqSecond ? '{HARDIRQ-ON-W} state was registered at:' : '{IN-HARDIRQ-W} state was registered at:',
        `  ${p}:${irqSecond ? TASK_LINE : IRQ_LINE}`,
      ]);
      const at = lines.indexOf(' Possible unsafe locking scenario:');
      expect(lines.slice(at - 1, at + 10)).toEqual([
        'other info that might help us debug this:',
        ' Possible unsafe locking scenario:',
        '',
        '       CPU0',
        '       ----',
        '  lock(lock);',
        '  <Interrupt>',
        '    lock(lock);',
        '',
        ' *** DEADLOCK ***',
        '',
      ]);
      expect(lines.at(-3)).toBe('');
      expect(lines.at(-2)).toBe(`replay: smpsim replay ${p} ${f!.replay}`);
      await expectReplayed(p, f!);
    }
    // the runs cover a first use pair on the first trial and on later ones
    expect(firsts.some((t) => t > 0)).toBe(true);
  });

  it('with spin_lock_irqsave: nothing in 1,000 trials, with the irq delivered', async () => {
    const p = irqScenario('const flags = spin_lock_irqsave(s.lock);', 'spin_unlock_irqrestore(s.lock, flags);');
    const r = await explore(p, { trials: 1000, seed: 1 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(100);
  });
});
