import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { cli, scenarioFile } from '../helpers.ts';

afterAll(() => shutdown());

describe('replaying a crash', () => {
  it('a "worker crashed" finding replays as the same crash, exit 1', async () => {
    const p = scenarioFile(
      'crash-replay',
      `import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';
export default scenario({ cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); if (atomic_read(s.v) === 2) process.exit(3); } },
] });
`,
    );
    const r = await explore(p, { trials: 10 });
    const crash = r.findings.find((f) => f.signature === 'crash:cpu1')!;
    expect(crash).toBeDefined();
    const c = cli(['replay', p, crash.replay]);
    expect(c.stdout).toContain('BUG: CPU 1 worker crashed: ');
    expect(c.stdout).toContain('The worker thread simulating CPU1 died in the middle of a trial');
    expect(c.stdout.trim().split('\n').at(-1)).toBe('smpsim: replayed 1 trial: 1 finding');
    expect(c.status).toBe(1);
  });
});
