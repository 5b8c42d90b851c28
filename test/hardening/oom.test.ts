import { describe, expect, it } from 'vitest';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

describe('a task that exhausts memory', () => {
  it('is a finding, and the process ends cleanly with exit 1 (no V8 fatal OOM)', () => {
    const p = scenarioFile(
      'oom',
      `import { scenario, atomic, atomic_inc } from 'smpsim';
export default scenario({ cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); const hog: number[][] = []; for (;;) hog.push(new Array(1 << 24).fill(1.5)); } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); } },
] });
`,
    );
    const r = cli(['run', p, '--trials', '1', '--hang-ms', '100000', '--json'], 170_000);
    expect(r.stderr).not.toContain('FATAL ERROR');
    const out = JSON.parse(r.stdout) as { findings: { kind: string; title: string; report: string }[] };
    // the task, and its last kernel call before it ran out, in the user's file
    expect(out.findings.map((f) => f.title)).toEqual([
      `BUG: CPU 0 worker crashed: out of memory in task cpu0/1001, after atomic_inc() at ${siteOf(p, 'hog.push')}`,
    ]);
    expect(out.findings[0]!.report).toContain("The task's heap passed the 512 MB a CPU worker may use.");
    expect(r.status).toBe(1);
  }, 180_000);
});
