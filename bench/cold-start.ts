/**
 * Cold start: `smpsim run <scenario> --trials 1` as a whole process (the compiled CLI, as an
 * installed package runs it), median of 5, next to `node -e 0` measured alternately in the
 * same run.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const RUNS = 5;

function wallMs(args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CI: 'true' } });
  if (r.status === null || r.status > 1)
    throw new Error(`bench: node ${args.join(' ')} failed (${r.status ?? r.signal})`);
  return performance.now() - t0;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** [smpsim run, node -e 0] medians in ms. */
export function coldStartMs(scenario: string): [number, number] {
  // the bin runs dist/ only when it is current: build first (incremental, quick when it is)
  spawnSync(
    process.execPath,
    [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'],
    { cwd: ROOT, stdio: 'inherit' },
  );
  wallMs(['bin/smpsim.mjs', 'run', scenario, '--trials', '1']); // the worker and scenario bundles are made once per install
  const ours: number[] = [];
  const base: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    ours.push(wallMs(['bin/smpsim.mjs', 'run', scenario, '--trials', '1']));
    base.push(wallMs(['-e', '0']));
  }
  return [median(ours), median(base)];
}
