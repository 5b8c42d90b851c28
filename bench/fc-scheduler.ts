/**
 * Baseline for P2: fast-check's own scheduler on the same lost-update program written with
 * promises (two async "tasks", each doing three read-then-write increments, every read and
 * write a scheduled step).
 */
import fc from 'fast-check';

export async function fcSchedulerRunsPerSec(runs: number): Promise<number> {
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const x = { value: 0 };
      const bump = async () => {
        for (let i = 0; i < 3; i++) {
          const v = await s.schedule(Promise.resolve(x.value));
          await s.schedule(Promise.resolve());
          x.value = v + 1;
        }
      };
      const all = Promise.all([bump(), bump()]);
      await s.waitAll();
      await all;
      return true;
    }),
    { numRuns: runs },
  );
  return runs / ((performance.now() - t0) / 1000);
}
