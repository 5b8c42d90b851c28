/**
 * P2 as users get it: explore() with the CLI's defaults (every detector, reports rendered,
 * --jobs from the cores) on the buggy lost update and on its fixed version, next to
 * fast-check's scheduler on the same program, warmed in this process and cold in a fresh one.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { explore, type ExploreOptions } from '../src/index.ts';
import type { Variant } from './fc-scheduler.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const USER_PATH_TRIALS = 10_000;

export const userPathScenario = (v: Variant): string =>
  fileURLToPath(new URL(`./scenarios/lost-update-${v === 'buggy' ? 'checked' : 'fixed'}.ts`, import.meta.url));

/** Trials per second of one explore() of `trials` with the defaults and `opts` over them. */
export async function exploreRate(path: string, opts: ExploreOptions = {}, trials = USER_PATH_TRIALS): Promise<number> {
  const t0 = performance.now();
  const r = await explore(path, { trials, ...opts });
  if (r.trials !== trials) throw new Error(`bench: ${path} ran ${r.trials} of ${trials} trials`);
  return trials / ((performance.now() - t0) / 1000);
}

/** fast-check's runs per second over its first `runs` runs in a fresh node process. */
export function fcColdRunsPerSec(runs: number, v: Variant): number {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/fc-scheduler.ts', String(runs), v], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const rate = Number(r.stdout.trim());
  if (r.status !== 0 || !Number.isFinite(rate)) throw new Error(`bench: fast-check cold run failed: ${r.stderr}`);
  return rate;
}
