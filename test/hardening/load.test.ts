import { describe, expect, it } from 'vitest';
import { cli, scenarioFile } from '../helpers.ts';

describe('loading a scenario', () => {
  it('a scenario importing os, assert and fast-check runs (it used to hang while loading)', () => {
    const p = scenarioFile(
      'imports',
      `import os from 'os';
import assert from 'assert';
import fc from 'fast-check';
import { scenario, shared } from 'smpsim';
export default scenario({
  name: 'imports', cpus: 1, state: { x: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { assert.ok(os.cpus().length > 0); s.x.value = fc.sample(fc.constant(1), 1)[0]!; } }],
  check: (s) => s.x.value === 1 || 'x is ' + s.x.value,
});
`,
    );
    const r = cli(['run', p, '--trials', '5'], 30_000);
    // nothing but progress lines (a slow machine prints one every few seconds)
    expect(r.stderr.split('\n').filter((l) => l && !/ trials, found so far: /.test(l))).toEqual([]);
    expect(r.stdout.trim()).toBe(`smpsim: ${p}: 5 trials (random, seed 1): no findings`);
    expect(r.status).toBe(0);
  });
});
