import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, watch } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR } from '../../src/machine/cache-file.ts';
import { ROOT, scenarioFile } from '../helpers.ts';

describe('a scenario bundle deleted during a run', () => {
  it('(another process pruning the cache) while hung workers are replaced: the run still ends, with its finding', async () => {
    const marker = `bundle-gone-${process.pid}-${Date.now()}`;
    // CPU 1's task never reaches a scheduling point: every trial's worker is replaced
    const p = scenarioFile(
      'bundle-gone',
      `import { scenario, atomic, atomic_inc } from 'smpsim';
export default scenario({ name: '${marker}', cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); for (;;) {} } },
] });
`,
    );
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'smpsim.mjs'), 'run', p, '--trials', '4', '--hang-ms', '300'],
      {
        cwd: ROOT,
        env: { ...process.env, CI: 'true' },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    // delete the bundle as soon as the run has written it, as a pruning process would, and
    // again each time the run writes it back, up to three times
    let deleted = 0;
    mkdirSync(CACHE_DIR, { recursive: true });
    const watcher = watch(CACHE_DIR, (_event, name) => {
      if (deleted >= 3 || !name || !/^scenario-.*\.mjs$/.test(name)) return;
      const file = join(CACHE_DIR, name);
      try {
        if (!readFileSync(file, 'utf8').includes(marker)) return;
      } catch {
        return;
      }
      rmSync(file, { force: true });
      deleted++;
    });
    const status = await new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    watcher.close();
    expect(deleted).toBeGreaterThan(0);
    const last = stdout.trim().split('\n').at(-1);
    expect(last, stderr).toBe(`smpsim: ${p}: 4 trials (random, seed 1): 1 finding (exception)`);
    expect(stderr).not.toMatch(/cannot load|Error/);
    expect(status).toBe(1);
  }, 150_000);
});
