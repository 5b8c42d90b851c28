import { afterAll, describe, expect, it } from 'vitest';
import { shutdown, stress } from '../src/index.ts';
import { cli, scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

const correct = () =>
  scenarioFile(
    'stress-ok',
    `import { scenario, spinlock, spin_lock, spin_unlock, spin_lock_irqsave, spin_unlock_irqrestore, shared, atomic, atomic_inc, IRQ_HANDLED } from 'smpsim';
const work = (s: any) => { for (let i = 0; i < 10; i++) { const f = spin_lock_irqsave(s.l); s.x.value = s.x.value + 1; spin_unlock_irqrestore(s.l, f); } };
export default scenario({
  cpus: 2,
  state: { l: spinlock(), x: shared(0), v: atomic(0) },
  tasks: [{ cpu: 0, run: work }, { cpu: 1, run: work }],
  irqs: [{ irq: 5, cpus: [0, 1], fires: 2, handler: (s) => { spin_lock(s.l); atomic_inc(s.v); spin_unlock(s.l); return IRQ_HANDLED; } }],
  check: (s) => s.x.value === 20 || \`lost update: x=\${s.x.value}\`,
});
`,
  );

describe('stress mode', () => {
  it("finds the 2-CPU ABBA as a deadlock with both CPUs' wait-for state, exit 1", () => {
    const t0 = Date.now();
    const r = cli(['stress', 'exercises/abba.ts', '--seconds', '4'], 12_000);
    expect(r.status).toBe(1);
    expect(Date.now() - t0).toBeLessThan(12_000);
    const out = r.stdout;
    expect(out).toMatch(/^BUG: soft lockup - CPU#[01] stuck for 2s! \[cpu[01]:100[12]\]$/m);
    expect(out).toContain(' CPU0: cpu0/1001 spins on lock b, held by CPU1');
    expect(out).toContain(' CPU1: cpu1/1002 spins on lock a, held by CPU0');
    expect(out).toContain('The wait-for graph has a cycle: ');
    expect(out).toMatch(/^ {2}lock\(a\);$/m);
    expect(out).toMatch(
      /Controlled mode reproduces it: `smpsim run exercises\/abba.ts --seed 1 --trials 1000` finds it as deadlock:/,
    );
    expect(out).toMatch(
      /smpsim: exercises\/abba.ts: stress, \d+ trials in [\d.]+ s \(seed 1\): \d+ findings? \(.*deadlock.*\)/,
    );
  }, 15_000);

  it('a correct scenario runs its full time without findings, exit 0', async () => {
    const p = correct();
    // a generous lockup threshold: a worker starved by a busy host is not a lockup of the scenario
    const r = await stress(p, { seconds: 1.5, lockupMs: 5000 });
    expect(r.findings).toEqual([]);
    expect(r.elapsedMs).toBeGreaterThanOrEqual(1500);
    expect(r.trials).toBeGreaterThan(100);
    const c = cli(['stress', p, '--seconds', '1', '--lockup-ms', '5000'], 10_000);
    expect(c.status).toBe(0);
    expect(c.stdout).toMatch(/stress, \d+ trials in [\d.]+ s \(seed 1\): no findings/);
  }, 15_000);
});
