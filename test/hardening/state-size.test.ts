import { describe, expect, it } from 'vitest';
import { cli, scenarioFile } from '../helpers.ts';

describe('state size', () => {
  it('a state past the documented limit is refused at load: one line, exit 2, no watchdog blame', () => {
    const p = scenarioFile(
      'huge-state',
      `import { scenario, shareds } from 'smpsim';
export default scenario({ cpus: 1, state: { xs: shareds(10_000_000) }, tasks: [{ cpu: 0, run: (s) => { s.xs[0]!.value = 1; } }] });
`,
    );
    const t0 = Date.now();
    const r = cli(['run', p], 30_000);
    expect(r.stderr).toBe(
      `smpsim: scenario ${p} declares 10000000 state objects; the limit is 100000 (README, "Limits")\n`,
    );
    expect(r.status).toBe(2);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });
});
