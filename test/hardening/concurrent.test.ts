import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';

afterAll(() => shutdown());

const essence = (r: Awaited<ReturnType<typeof explore>>) => ({
  trials: r.trials,
  findings: r.findings.map((f) => ({ kind: f.kind, signature: f.signature, replay: f.replay, report: f.report })),
});

describe('several runs in one process', () => {
  it('five concurrent explore calls finish with the same results as sequential ones', async () => {
    const seeds = [1, 2, 3, 4, 5];
    const together = await Promise.all(seeds.map((seed) => explore('exercises/abba.ts', { trials: 200, seed })));
    const apart = [];
    for (const seed of seeds) apart.push(await explore('exercises/abba.ts', { trials: 200, seed }));
    expect(together.map(essence)).toEqual(apart.map(essence));
    expect(together[0]!.findings.map((f) => f.kind)).toContain('deadlock');
  });

  it('shutdown() during explore() rejects it with "shut down" and reports no finding', async () => {
    const run = explore('exercises/abba.ts', { trials: 1_000_000 }).then(
      (r) => `resolved with ${r.findings.length} findings`,
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 1500));
    await shutdown();
    expect(await run).toBe('smpsim was shut down while the run was going on');
    // the machine starts again afterwards
    const r = await explore('exercises/abba.ts', { trials: 50 });
    expect(r.trials).toBe(50);
  });
});
