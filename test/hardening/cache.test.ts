import { readdirSync, readFileSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CACHE_DIR } from '../../src/machine/cache-file.ts';
import { workerEntry } from '../../src/machine/worker-entry.ts';
import { cli, scenarioFile } from '../helpers.ts';

describe('the build cache', () => {
  it('a truncated worker bundle and scenario bundle are rebuilt, and the run is right', async () => {
    const marker = `cache-test-${process.pid}-${Date.now()}`;
    const p = scenarioFile(
      'cache',
      `import { scenario, spinlock, spin_lock } from 'smpsim';
export default scenario({ name: '${marker}', cpus: 1, state: { l: spinlock() }, tasks: [{ cpu: 0, run: (s) => { spin_lock(s.l); spin_lock(s.l); } }] });
`,
    );
    const first = cli(['run', p, '--trials', '20']);
    expect(first.status).toBe(1);
    const worker = fileURLToPath(await workerEntry());
    const scenario = readdirSync(CACHE_DIR)
      .filter((f) => f.startsWith('scenario-') && f.endsWith('.mjs'))
      .map((f) => join(CACHE_DIR, f))
      .find((f) => readFileSync(f, 'utf8').includes(marker))!;
    expect(scenario).toBeDefined();
    const whole = readFileSync(worker, 'utf8');
    truncateSync(worker, Math.floor(whole.length / 2));
    truncateSync(scenario, 100);
    const again = cli(['run', p, '--trials', '20']);
    expect(again.stderr).toBe('');
    expect(again.stdout).toBe(first.stdout);
    expect(again.status).toBe(1);
    // rebuilt whole; another test file may rebuild it meanwhile with or without its inline source map
    const code = (t: string): string => t.replace(/^\/\/# (sourceMappingURL|smpsim-digest)=.*$/gm, '').trimEnd();
    expect(code(readFileSync(worker, 'utf8'))).toBe(code(whole));
    expect(readFileSync(scenario, 'utf8')).toContain(marker);
  }, 120_000);
});
