import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const kinds = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => f.kind).sort();
const IMPORTS = `import { scenario, shared, atomic, atomic_inc, atomic_read, atomic_set, spinlock, spin_lock, spin_unlock,
  disable_irq, disable_irq_nosync, enable_irq, synchronize_irq, IRQ_HANDLED, BUG_ON } from 'smpsim';`;

describe('disable_irq / disable_irq_nosync / enable_irq: a depth-counted mask of the line', () => {
  it('process context masks the line around data the handler shares: clean over 1,000 trials', async () => {
    // the classic use: disable_irq() also waits for a handler running on the other CPU, so the
    // plain accesses in between never race with it
    const p = scenarioFile(
      'disable-irq-ok',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { rx: shared(0) },
  irqs: [{ irq: 10, name: 'eth0', cpus: [1], fires: 3, handler: (s: any) => { s.rx.value = s.rx.value + 1; return IRQ_HANDLED; } }],
  tasks: [
    { cpu: 0, run: (s) => { disable_irq(10); s.rx.value = s.rx.value + 100; enable_irq(10); } },
    { cpu: 1, run: () => {} },
  ],
});
`,
    );
    expect((await explore(p, { trials: 1000 })).findings).toEqual([]);
    expect((await explore(p, { trials: 1000, strategy: 'pct' })).findings).toEqual([]);
  });

  it('while the depth is above 0 the line does not fire; it fires again once every disable is undone', async () => {
    const p = scenarioFile(
      'disable-irq-depth',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { masked: atomic(0), hits: atomic(0) },
  irqs: [{ irq: 10, name: 'eth0', fires: 2, handler: (s: any) => { BUG_ON(atomic_read(s.masked) === 1, 'eth0 fired while disabled'); atomic_inc(s.hits); return IRQ_HANDLED; } }],
  tasks: [{ cpu: 0, run: (s) => {
    disable_irq_nosync(10); disable_irq(10); atomic_set(s.masked, 1);
    enable_irq(10); atomic_read(s.masked); // depth 1: still masked
    atomic_set(s.masked, 0); enable_irq(10);
    atomic_set(s.masked, 2); atomic_set(s.masked, 2); atomic_set(s.masked, 2);
  } }],
  check: (s) => atomic_read(s.hits) <= 2 || 'more interrupts than fires',
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
    // the line does fire, once enabled again
    expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(0);
  });

  it('disable_irq_nosync in the handler, enable_irq from process context later: clean', async () => {
    const p = scenarioFile(
      'disable-irq-nosync',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { off: atomic(0) },
  irqs: [{ irq: 10, name: 'eth0', cpus: [1], fires: 3, handler: (s: any) => { disable_irq_nosync(10); atomic_inc(s.off); return IRQ_HANDLED; } }],
  tasks: [
    { cpu: 0, run: (s) => { while (atomic_read(s.off) === 0) synchronize_irq(10); enable_irq(10); } },
    { cpu: 1, run: () => {} },
  ],
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    // the loop may spin until the first interrupt: never a finding
    expect(r.findings.filter((f) => f.kind !== 'trial-too-long')).toEqual([]);
  });

  it('an enable at depth 0 warns as the kernel does, at the caller', async () => {
    const p = scenarioFile(
      'enable-irq-unbalanced',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: {},
  irqs: [{ irq: 10, name: 'eth0', handler: () => IRQ_HANDLED }],
  tasks: [{ cpu: 0, run: () => { disable_irq(10); enable_irq(10); enable_irq(10); } }],
});
`,
    );
    const r = await explore(p, { trials: 50 });
    expect(kinds(r)).toEqual(['assertion']);
    const f = r.findings[0]!;
    expect(f.title).toBe(`WARNING: CPU: 0 PID: 1001 at ${siteOf(p, 'enable_irq(10); enable_irq(10); }')}`);
    expect(f.report).toContain('Unbalanced enable for IRQ 10');
    expect(f.count).toBe(50);
  });

  it('disable_irq in its own handler: a deadlock, in every trial where the handler runs', async () => {
    const p = scenarioFile(
      'disable-irq-own-handler',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { rx: atomic(0) },
  irqs: [{ irq: 10, name: 'eth0', cpus: [1], handler: (s: any) => { disable_irq(10); atomic_inc(s.rx); enable_irq(10); return IRQ_HANDLED; } }],
  tasks: [
    { cpu: 0, run: (s) => { atomic_inc(s.rx); } },
    { cpu: 1, run: (s) => { atomic_inc(s.rx); atomic_inc(s.rx); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(kinds(r)).toEqual(['deadlock']);
    const f = r.findings[0]!;
    const fired = r.interrupts[0]!.perCpu.reduce((a, b) => a + b, 0);
    expect(fired).toBeGreaterThan(0);
    expect(f.count).toBe(fired);
    expect(f.title).toBe('WARNING: deadlock: no CPU can make progress');
    const site = siteOf(p, 'disable_irq(10); atomic_inc');
    // over the task it interrupted, or over the idle CPU once that task returned
    expect(f.report).toMatch(
      /<Interrupt> irq 10 \(eth0\) on CPU1, over (cpu1\/1002|swapper\/1\/0), is waiting for the line's handlers to finish:/,
    );
    expect(f.report).toContain(`(irq/10), at: ${site}`);
    expect(f.report).toContain('which is the handler it runs in: it waits for itself.');
    expect(f.report).toContain('synchronize_irq(irq/10);');
    expect(f.report).not.toContain('no progress');
  });

  it('disable_irq under a spinlock may sleep: sleep-in-atomic; disable_irq_nosync there is fine', async () => {
    const src = (call: string) =>
      scenarioFile(
        'disable-irq-atomic',
        `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { lock: spinlock() },
  irqs: [{ irq: 10, name: 'eth0', handler: () => IRQ_HANDLED }],
  tasks: [{ cpu: 0, run: (s) => { spin_lock(s.lock); ${call}(10); spin_unlock(s.lock); enable_irq(10); } }],
});
`,
      );
    const src0 = src('disable_irq');
    const bad = await explore(src0, { trials: 100 });
    expect(kinds(bad)).toEqual(['sleep-in-atomic']);
    expect(bad.findings[0]!.title).toBe(
      `BUG: sleeping function called from invalid context at ${siteOf(src0, 'spin_lock(s.lock)')}`,
    );
    expect((await explore(src('disable_irq_nosync'), { trials: 100 })).findings).toEqual([]);
  });
});
