/**
 * Baseline for P2: fast-check's own scheduler on the same lost-update program written with
 * promises (two async "tasks", each doing three increments, every step scheduled): the buggy
 * one reads then writes in two steps, the fixed one increments in one. The property computes
 * the check but holds either way, so every run is a full schedule as every smpsim trial is
 * (a failing property would stop at the first lost update and shrink).
 *
 * Run as a script (`tsx bench/fc-scheduler.ts <runs> <buggy|fixed>`), it prints the rate of a
 * fresh process: fast-check cold, as a vitest file that runs one property sees it.
 */
import fc from 'fast-check';
import { fileURLToPath } from 'node:url';

export type Variant = 'buggy' | 'fixed';

export async function fcSchedulerRunsPerSec(runs: number, variant: Variant = 'buggy'): Promise<number> {
  let lost = 0;
  const t0 = performance.now();
  await fc.assert(
    fc.asyncProperty(fc.scheduler(), async (s) => {
      const x = { value: 0 };
      const bump = async () => {
        for (let i = 0; i < 3; i++) {
          if (variant === 'fixed') {
            await s.schedule(Promise.resolve());
            x.value++;
            continue;
          }
          const v = await s.schedule(Promise.resolve(x.value));
          await s.schedule(Promise.resolve());
          x.value = v + 1;
        }
      };
      const all = Promise.all([bump(), bump()]);
      await s.waitAll();
      await all;
      if (x.value !== 6) lost++;
      return true;
    }),
    { numRuns: runs },
  );
  const rate = runs / ((performance.now() - t0) / 1000);
  if (variant === 'buggy' && lost === 0) throw new Error('bench: the fast-check lost update never lost an update');
  return rate;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const runs = Number(process.argv[2] ?? 2000);
  process.stdout.write(`${await fcSchedulerRunsPerSec(runs, (process.argv[3] ?? 'buggy') as Variant)}\n`);
}
