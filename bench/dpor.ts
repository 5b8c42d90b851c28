/**
 * DPOR figures: executions per second against random trials per second on the same scenario,
 * and for a few classic spaces the executions DPOR needs to complete next to the count of all
 * interleavings (dfs, every option of every decision; capped, since it grows exponentially).
 */
import { explore } from '../src/index.ts';

type Line = (name: string, value: number, baseline: number | null, unit: string, target: string) => void;

/** Interleavings enumerated at most before dfs gives up on a space. */
const DFS_CAP = 200_000;

export async function benchDpor(
  line: Line,
  here: (p: string) => string,
  bestOf: (a: () => Promise<number>, b: () => Promise<number>) => Promise<[number, number]>,
): Promise<void> {
  const lost = here('./scenarios/lost-update.ts');
  const dining3 = here('./scenarios/dining3.ts');
  await explore(lost, { strategy: 'dfs', reports: false }); // warm
  const dining5 = here('./scenarios/dining5.ts');
  const [dpor, random] = await bestOf(
    async () => {
      const r = await explore(dining5, { strategy: 'dpor', reports: false });
      return r.trials / (r.elapsedMs / 1000);
    },
    async () => {
      const r = await explore(dining5, { strategy: 'random', reports: false, trials: 2000 });
      return r.trials / (r.elapsedMs / 1000);
    },
  );
  line(
    'DPOR executions/s, dining philosophers 5',
    dpor,
    random,
    'executions/s',
    'ratio >= 0.5 (vs random trials/s on the same scenario)',
  );
  const spaces: [string, string][] = [
    ['lost update 2x3', lost],
    ['ABBA', here('../exercises/abba.ts')],
    ['dining philosophers 3', dining3],
    ['dining philosophers 5', dining5],
  ];
  for (const [name, path] of spaces) {
    const d = await explore(path, { strategy: 'dpor', reports: false });
    const all = await explore(path, { strategy: 'dfs', reports: false, maxExecutions: DFS_CAP, timeBudgetMs: 120_000 });
    const complete = all.exhaustive?.complete === true;
    line(
      `DPOR executions to complete, ${name}`,
      d.exhaustive!.executions,
      complete ? all.exhaustive!.executions : null,
      'executions',
      `${d.exhaustive!.complete ? 'complete' : 'NOT complete'} in ${Math.round(d.elapsedMs)} ms; all interleavings: ${complete ? all.exhaustive!.executions : `more than ${all.exhaustive!.executions}`}`,
    );
  }
}
