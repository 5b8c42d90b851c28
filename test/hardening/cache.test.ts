import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioFile } from '../helpers.ts';
import { installedCopy, removeCopy } from '../support/installed-copy.ts';

// a package of its own: the bundles damaged here are no other test file's
let pkg = '';
beforeAll(() => {
  pkg = installedCopy();
}, 120_000);
afterAll(() => removeCopy(pkg));

function run(scenario: string) {
  return spawnSync(process.execPath, [join(pkg, 'bin', 'smpsim.mjs'), 'run', scenario, '--trials', '20'], {
    encoding: 'utf8',
    env: { ...process.env, CI: 'true' },
  });
}

describe('the build cache', () => {
  it('a truncated worker bundle and scenario bundle are rebuilt, and the run is right', () => {
    const marker = `cache-test-${process.pid}-${Date.now()}`;
    const p = resolve(
      scenarioFile(
        'cache',
        `import { scenario, spinlock, spin_lock } from 'smpsim';
export default scenario({ name: '${marker}', cpus: 1, state: { l: spinlock() }, tasks: [{ cpu: 0, run: (s) => { spin_lock(s.l); spin_lock(s.l); } }] });
`,
      ),
    );
    const first = run(p);
    expect(first.status).toBe(1);
    const cache = join(pkg, '.smpsim-cache');
    const scenario = readdirSync(cache)
      .filter((f) => f.startsWith('scenario-') && f.endsWith('.mjs'))
      .map((f) => join(cache, f))
      .find((f) => readFileSync(f, 'utf8').includes(marker))!;
    expect(scenario).toBeDefined();
    // the worker bundle the command used: the scenario's bundle imports smpsim from it
    const kernel = /from "(file:[^"]*\/cpu-[0-9a-f]+\.mjs)"/.exec(readFileSync(scenario, 'utf8'))?.[1];
    expect(kernel).toBeDefined();
    const worker = fileURLToPath(kernel!);
    const whole = readFileSync(worker, 'utf8');
    truncateSync(worker, Math.floor(whole.length / 2));
    truncateSync(scenario, 100);
    const again = run(p);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(first.stdout);
    expect(again.status).toBe(1);
    expect(readFileSync(worker, 'utf8')).toBe(whole);
    expect(readFileSync(scenario, 'utf8')).toContain(marker);
  }, 120_000);
});
