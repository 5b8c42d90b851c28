/**
 * The package as a user installs it: built, packed with `npm pack`, installed from the tarball
 * into a fresh project. There plain node imports it, a vitest test checks the project's own
 * .ts scenario, and `npx smpsim run` works. The build goes to a staging folder, so the
 * checkout's own dist/ (which other tests' CLI runs may be using) is left alone.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const NPX = process.platform === 'win32' ? 'npx.cmd' : 'npx';

const SCENARIO = `import { scenario, shared } from 'smpsim';

export default scenario({
  name: 'two CPUs bump one counter',
  cpus: 2,
  state: { hits: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { s.hits.value = s.hits.value + 1; } },
    { cpu: 1, run: (s) => { s.hits.value = s.hits.value + 1; } },
  ],
  check: (s) => s.hits.value === 2 || \`lost update: hits=\${s.hits.value}\`,
});
`;

const TEST = `import { afterAll, expect, it } from 'vitest';
import { checkScenario, shutdown } from 'smpsim';

afterAll(() => shutdown());

it('finds the lost update in my scenario', async () => {
  const r = await checkScenario('mine/race.ts', { kinds: ['assertion'], throws: false, numRuns: 50 });
  expect(r.failed).toBe(true);
  expect(r.findings.map((f) => f.kind)).toContain('assertion');
});
`;

const CONFIG = `import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { include: ['mine/**/*.test.ts'], pool: 'forks', testTimeout: 60_000 } });
`;

function run(cmd: string, args: string[], cwd: string) {
  return spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, CI: 'true' } });
}

describe('the packed package', () => {
  it('installs from its tarball: node imports it, vitest checks a .ts scenario, npx smpsim run works', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'smpsim-pack-'));
    // stage what `files` ships, built as `prepare` builds it
    const stage = join(tmp, 'stage');
    mkdirSync(stage);
    for (const f of ['package.json', 'README.md', 'bin', 'exercises'])
      cpSync(join(ROOT, f), join(stage, f), { recursive: true });
    execFileSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '-p',
        join(ROOT, 'tsconfig.build.json'),
        '--outDir',
        join(stage, 'dist'),
        '--tsBuildInfoFile',
        join(tmp, 'build.tsbuildinfo'),
      ],
      { cwd: ROOT },
    );
    const packed = run(NPM, ['pack', '--ignore-scripts', '--pack-destination', tmp], stage);
    expect(packed.status, packed.stderr).toBe(0);
    const tarball = join(tmp, readdirSync(tmp).find((f) => f.endsWith('.tgz'))!);

    const app = join(tmp, 'app');
    mkdirSync(join(app, 'mine'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
    writeFileSync(join(app, 'mine', 'race.ts'), SCENARIO);
    writeFileSync(join(app, 'mine', 'race.test.ts'), TEST);
    writeFileSync(join(app, 'vitest.config.ts'), CONFIG);
    const vitestVersion = JSON.parse(
      readFileSync(join(ROOT, 'node_modules', 'vitest', 'package.json'), 'utf8'),
    ).version;
    const installed = run(
      NPM,
      ['install', tarball, `vitest@${vitestVersion}`, '--prefer-offline', '--no-audit', '--no-fund'],
      app,
    );
    expect(installed.status, installed.stderr).toBe(0);

    // plain node, no TypeScript loader
    const imported = run(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { explore, checkScenario, spin_lock } from 'smpsim'; console.log(typeof explore, typeof checkScenario, typeof spin_lock)",
      ],
      app,
    );
    expect(imported.stderr).toBe('');
    expect(imported.stdout.trim()).toBe('function function function');

    const tested = run(NPX, ['vitest', 'run'], app);
    expect(tested.status, tested.stdout + tested.stderr).toBe(0);
    expect(tested.stdout).toMatch(/1 passed/);

    const cli = run(NPX, ['smpsim', 'run', 'mine/race.ts', '--trials', '50'], app);
    expect(cli.status, cli.stderr).toBe(1);
    expect(cli.stdout).toContain('check failed: lost update: hits=1');
    expect(cli.stdout).toMatch(/run at mine\/race\.ts:8/);
    expect(cli.stdout).toContain('smpsim: mine/race.ts: 50 trials (random, seed 1): 2 findings (assertion, data-race)');
  }, 600_000);
});
