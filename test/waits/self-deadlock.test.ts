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
});
