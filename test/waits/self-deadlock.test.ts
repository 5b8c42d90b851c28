import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const P = 'test/waits/fixtures/tasklet-self-deadlock.ts';

describe('deadlock, not livelock', () => {
  it('a tasklet spinning on its interrupted lock while another CPU keeps queueing work: a deadlock in every trial that hangs', async () => {
    const r = await explore(P, { trials: 2000 });
    const kinds = r.findings.map((f) => f.kind);
    // never "trial ran past N events": the trial ends the moment the tasklet starts to spin
    expect(kinds).not.toContain('trial-too-long');
    expect(kinds).not.toContain('exception');
    const d = r.findings.filter((f) => f.kind === 'deadlock');
    expect(d).toHaveLength(1);
    const lines = d[0]!.report.split('\n');
    expect(lines).toContain('<SoftIRQ> on CPU0, over reader/1001, is trying to acquire lock:');
    expect(lines).toContain('which is held by the code it interrupted on the same CPU.');
    // the other CPU's state: running, and where it was last
    expect(lines).toContain(`CPU1: not waiting; poller/1002 on CPU1 ran last at ${siteOf(P, 'schedule_work(s.poll)')}`);
    expect(d[0]!.count).toBeGreaterThan(0);
  });

  it('a true livelock names each CPU: what it ran last and where, or that its task returned', async () => {
    const p = 'test/waits/fixtures/livelock.ts';
    const r = await explore(p, { trials: 200, maxEvents: 2000 });
    const f = r.findings.find((x) => x.kind === 'trial-too-long');
    expect(f).toBeDefined();
    const lines = f!.report.split('\n').filter((l) => l.startsWith('CPU'));
    expect(lines).toHaveLength(2);
    // the loop's kernel calls: where a CPU can have run last
    const loop = readFileSync(p, 'utf8')
      .split('\n')
      .flatMap((l, i) => (/atomic_(set|read)\(/.test(l) && !l.includes('import') ? [i + 1] : []));
    for (const l of lines)
      expect(l).toMatch(
        new RegExp(
          `^CPU\\d: (idle, (left/1001|right/1002) returned|(left/1001|right/1002) on CPU\\d ran last at ${p}:(${loop.join('|')}))$`,
        ),
      );
    expect(lines.some((l) => l.includes('ran last at'))).toBe(true);
  });
});
