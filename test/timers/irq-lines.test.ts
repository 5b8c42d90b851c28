import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile } from '../helpers.ts';

afterAll(() => shutdown());

const kinds = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => f.kind).sort();

// The handler's data: `freed` stands for the poison KASAN would put on the freed buffer.
const teardown = (order: string) =>
  scenarioFile(
    'free-irq',
    `import { scenario, shared, request_irq, free_irq, synchronize_irq, kmalloc, kfree, GFP_KERNEL, IRQ_HANDLED, BUG_ON } from 'smpsim';
const rx = (s: any) => { BUG_ON(s.freed.value === 1, 'handler touched freed priv'); s.hits.value = s.hits.value + 1; return IRQ_HANDLED; };
export default scenario({
  cpus: 2,
  state: { priv: shared(0), freed: shared(0), hits: shared(0) },
  handlers: { rx },
  irqs: [{ irq: 11, name: 'nic', cpus: [1], fires: 2 }],
  tasks: [{ cpu: 0, run: (s) => {
    s.priv.value = kmalloc(64, GFP_KERNEL)!;
    request_irq(11, rx, 0, 'nic', s.priv);
    ${order}
  } }],
});
`,
  );

describe('free_irq waits for a handler running on any CPU', () => {
  it('free_irq, then kfree of the handler data: clean over 1,000 trials (random and pct)', async () => {
    const p = teardown('free_irq(11, s.priv); s.freed.value = 1; kfree(s.priv.value);');
    expect((await explore(p, { trials: 1000 })).findings).toEqual([]);
    expect((await explore(p, { trials: 1000, strategy: 'pct' })).findings).toEqual([]);
  });

  it('kfree, then free_irq: the handler touches freed data (and races with the free)', async () => {
    const r = await explore(teardown('s.freed.value = 1; kfree(s.priv.value); free_irq(11, s.priv);'), {
      trials: 1000,
    });
    expect(kinds(r)).toEqual(['assertion', 'data-race']);
    expect(r.findings.find((f) => f.kind === 'assertion')!.report).toContain('handler touched freed priv');
  });

  it('synchronize_irq orders the handlers that ran before it', async () => {
    const p = teardown(
      's.freed.value = 2; synchronize_irq(11); free_irq(11, s.priv); s.freed.value = 1; kfree(s.priv.value);',
    );
    const r = await explore(p, { trials: 500 });
    // the write of 2 races with a handler (nothing orders them); after synchronize_irq nothing does
    expect(kinds(r)).toEqual(['data-race']);
    expect(r.findings[0]!.report).toContain('test/.tmp/');
  });
});
