import { describe, expect, it } from 'vitest';
import { cli, scenarioFile } from '../helpers.ts';

const LONG = `import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';
const work = (s: any) => { for (let i = 0; i < 30_000; i++) atomic_inc(s.v); };
export default scenario({
  cpus: 2,
  state: { v: atomic(0) },
  tasks: [{ cpu: 0, run: work }, { cpu: 1, run: work }],
  check: (s) => atomic_read(s.v) === 60_000 || 'v is ' + atomic_read(s.v),
});
`;

describe('long trials', () => {
  it('correct code making 30k kernel calls per task is clean', () => {
    const p = scenarioFile('long', LONG);
    const r = cli(['run', p, '--trials', '1', '--strategy', 'pct']);
    expect(r.stdout.trim()).toBe(`smpsim: ${p}: 1 trials (pct, seed 1): no findings`);
    expect(r.status).toBe(0);
  });

  it('past --max-events it is a trial-too-long warning that names the cap, not a livelock BUG', () => {
    const p = scenarioFile('long', LONG);
    const r = cli(['run', p, '--trials', '1', '--strategy', 'pct', '--max-events', '20000', '--json']);
    const out = JSON.parse(r.stdout) as { findings: { kind: string; title: string; report: string }[] };
    expect(out.findings.map((f) => f.kind)).toEqual(['trial-too-long']);
    expect(out.findings[0]!.title).toBe('WARNING: trial ran past --max-events (20000 events) and was cut short');
    expect(out.findings[0]!.report).toContain('run again with a larger --max-events');
    expect(r.status).toBe(1);
  });
});
