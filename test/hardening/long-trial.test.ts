import { describe, expect, it } from 'vitest';
import { sealToken } from '../../src/sched/token.ts';
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

  it('a long random trial gets a short token that replays it, and a token naming other choices is refused', () => {
    // the check fails in every trial: the finding's token covers the whole 60k-choice trial
    const p = scenarioFile('long-random', LONG.replace('=== 60_000', '=== 60_001'));
    const r = cli(['run', p, '--trials', '1', '--strategy', 'random', '--json']);
    const found = JSON.parse(r.stdout) as { findings: { kind: string; title: string; replay: string }[] };
    const f = found.findings.find((x) => x.kind === 'assertion')!;
    expect(f.title).toBe('check failed: v is 60000');
    const token = f.replay;
    expect(token).toMatch(/^v2:random:1:c2:t0n\d{5}:R[0-9a-z]{6}:s[0-9a-z]{6}$/);
    const again = cli(['replay', p, token]);
    expect(again.stdout).toContain(f.title);
    expect(again.stdout).toContain(`replay: smpsim replay ${p} ${token}`);
    expect(again.stdout.trim().split('\n').at(-1)).toBe('smpsim: replayed 1 trial: 1 finding');
    expect(again.status).toBe(1);
    // one choice fewer, or another seed, sealed with a valid checksum: the choices drawn differ
    const [, count] = /n(\d+):/.exec(token)!;
    const body = token.slice(0, token.lastIndexOf(':s'));
    for (const forged of [body.replace(`n${count}:`, `n${Number(count) - 1}:`), body.replace(':1:c2', ':2:c2')]) {
      const bad = cli(['replay', p, sealToken(forged)]);
      expect(bad.stderr.trim().split('\n')).toEqual([
        `smpsim: replay token does not match ${p}: the scenario does not offer the recorded choices`,
      ]);
      expect(bad.status).toBe(2);
    }
  });
});
