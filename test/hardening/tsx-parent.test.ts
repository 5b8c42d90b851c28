import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, scenarioFile } from '../helpers.ts';

/** Explore a scenario whose check() (run on a CPU thread) fails when that thread has tsx's hooks. */
function exploreUnder(nodeFlags: string[]): { status: number | null; stderr: string; result: unknown } {
  const p = scenarioFile(
    'cpu-flags',
    `import { atomic, atomic_inc, scenario } from 'smpsim';
export default scenario({
  cpus: 2, state: { x: atomic(0) },
  tasks: [{ cpu: 0, run: (s) => atomic_inc(s.x) }, { cpu: 1, run: (s) => atomic_inc(s.x) }],
  check: () => !process.execArgv.some((a) => a.includes('tsx')) || 'CPU thread flags: ' + process.execArgv.join(' '),
});
`,
  );
  const script = join(ROOT, 'test', '.tmp', 'under-tsx.ts');
  writeFileSync(
    script,
    `import { explore, shutdown } from '${join(ROOT, 'src', 'index.ts')}';
const r = await explore(${JSON.stringify(p)}, { trials: 20, reports: false });
console.log(JSON.stringify({ trials: r.trials, findings: r.findings.map((f) => f.title) }));
await shutdown();
`,
  );
  const r = spawnSync(process.execPath, [...nodeFlags, script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stderr: r.stderr, result: r.stdout && JSON.parse(r.stdout) };
}

describe('a script run under tsx', () => {
  it("starts CPU threads without tsx's hooks (they ran the whole bundle through tsx again)", () => {
    expect(exploreUnder(['--import', 'tsx'])).toEqual({
      status: 0,
      stderr: '',
      result: { trials: 20, findings: [] },
    });
  });

  it('still runs with a Node flag a thread cannot be given (its threads inherit the flags then)', () => {
    const r = exploreUnder(['--max-old-space-size=2048', '--import', 'tsx']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.result).toMatchObject({ trials: 20 });
  });
});
