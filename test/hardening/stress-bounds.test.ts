import { describe, expect, it } from 'vitest';
import { cli, scenarioFile } from '../helpers.ts';

describe('stress always returns', () => {
  it('a check() that loops is reported and stress ends on time, exit 1', () => {
    const p = scenarioFile(
      'check-loop',
      `import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';
export default scenario({ cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); } },
], check: (s) => { while (atomic_read(s.v) === 2) {} return true; } });
`,
    );
    const t0 = Date.now();
    const r = cli(['stress', p, '--seconds', '2', '--lockup-ms', '500', '--reproduce-trials', '0', '--json'], 60_000);
    const out = JSON.parse(r.stdout) as { findings: { kind: string; title: string }[] };
    expect(out.findings.map((f) => f.title)).toContain(
      'BUG: CPU 0: closing the trial (check() or a detector) did not return within 500 ms',
    );
    expect(r.status).toBe(1);
    expect(Date.now() - t0).toBeLessThan(30_000);
  });

  it('reproducing a lockup of a task that loops without kernel calls takes no longer than the stress run did', () => {
    const p = scenarioFile(
      'busy-loop',
      `import { scenario, atomic, atomic_inc } from 'smpsim';
export default scenario({ cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); for (;;) {} } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); } },
] });
`,
    );
    const t0 = Date.now();
    const r = cli(['stress', p, '--seconds', '3', '--lockup-ms', '500'], 90_000);
    expect(r.stdout).toMatch(/^BUG: soft lockup - CPU#0 stuck for \ds!/m);
    expect(r.stdout).toMatch(/Controlled mode reproduces it: .* finds it as exception:/);
    expect(r.status).toBe(1);
    // 3 s of stress, at most 10 s of controlled trials, and start-up
    expect(Date.now() - t0).toBeLessThan(45_000);
  });
});
