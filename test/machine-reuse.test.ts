import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';

afterAll(() => shutdown());

const essence = (r: Awaited<ReturnType<typeof explore>>) => ({
  trials: r.trials,
  switches: r.switches,
  findings: r.findings.map((f) => ({ signature: f.signature, replay: f.replay, count: f.count, report: f.report })),
});

describe("a machine's buffer, kept from batch to batch", () => {
  it("a run after other scenarios' runs on the same machine finds what the machine's first run found", async () => {
    const run = async () => essence(await explore('exercises/lost-update/buggy.ts', { trials: 400, seed: 9, jobs: 1 }));
    const first = await run();
    expect(first.findings.length).toBeGreaterThan(0);
    // other layouts on the same 2-thread machine leave their words in the buffer
    for (const other of [
      'exercises/abba.ts',
      'exercises/sleep-under-spinlock/buggy.ts',
      'exercises/lost-wakeup/buggy.ts',
    ])
      await explore(other, { trials: 300, jobs: 1 });
    expect(await run()).toEqual(first);
  });
});
