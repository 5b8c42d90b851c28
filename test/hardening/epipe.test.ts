import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

describe('output into a closed pipe', () => {
  it('`smpsim run … | head -c 10` prints no EPIPE stack and keeps its exit status', () => {
    for (let i = 0; i < 3; i++) {
      const r = spawnSync(
        'bash',
        [
          '-c',
          'node bin/smpsim.mjs run exercises/abba.ts --trials 200 | head -c 10 >/dev/null; echo "status ${PIPESTATUS[0]}"',
        ],
        {
          cwd: ROOT,
          encoding: 'utf8',
          timeout: 60_000,
          env: { ...process.env, CI: 'true' },
        },
      );
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe('status 1\n');
    }
  });
});
