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

/** [smpsim run, node -e 0] medians in ms. */
export function coldStartMs(scenario: string): [number, number] {
  const pkg = installedCopy();
  try {
    const run = ['bin/smpsim.mjs', 'run', scenario, '--trials', '1'];
    wallMs(run, pkg); // the worker and scenario bundles are made once per install
    const ours: number[] = [];
    const base: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      ours.push(wallMs(run, pkg));
      base.push(wallMs(['-e', '0'], pkg));
    }
    return [median(ours), median(base)];
  } finally {
    removeCopy(pkg);
  }
}
