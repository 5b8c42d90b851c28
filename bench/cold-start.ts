/**
 * Cold start: `smpsim run <scenario> --trials 1` as a whole process, median of 5, next to
 * `node -e 0` measured alternately in the same run. It runs the package as it is installed
 * (test/support/installed-copy.ts): no source tree is there to be checked against the build,
 * as in a user's node_modules.
 */
import { spawnSync } from 'node:child_process';
import { installedCopy, removeCopy } from '../test/support/installed-copy.ts';
const RUNS = 5;

function wallMs(args: string[], cwd: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (r.status === null || r.status > 1)
    throw new Error(`bench: node ${args.join(' ')} failed (${r.status ?? r.signal})`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `body` run in an installed copy of the package (its folder), removed after. */
export function inInstalledCopy<T>(body: (pkg: string) => T): T {
  const pkg = installedCopy();
  try {
    return body(pkg);
  } finally {
    removeCopy(pkg);
  }
}

/** [smpsim run, node -e 0] medians in ms, in the installed package `pkg`. */
export function coldStartMs(pkg: string, scenario: string): [number, number] {
  const run = ['bin/smpsim.mjs', 'run', scenario, '--trials', '1'];
  wallMs(run, pkg); // the worker and scenario bundles are made once per install
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(wallMs(run, pkg));
    base.push(wallMs(['-e', '0'], pkg));
  }
  return [median(ours), median(base)];
}

/**
 * `smpsim run <scenario> --trials <trials>` in the installed package `pkg`, as a whole process
 * (Node's start, the CPU threads' start and V8's warm-up included): trials per second, best
 * of 3. What a short CLI run, or a CI job running the command once, sees.
 */
export function cliRunRate(pkg: string, scenario: string, trials: number): number {
  const run = ['bin/smpsim.mjs', 'run', scenario, '--trials', String(trials)];
  wallMs(run, pkg); // the scenario's bundle is made once
  let best = Infinity;
  for (let i = 0; i < 3; i++) best = Math.min(best, wallMs(run, pkg));
  return trials / (best / 1000);
}
