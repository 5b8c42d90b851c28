import { describe, expect, it } from 'vitest';
import { decodeToken, sealToken, TokenError } from '../../src/sched/token.ts';
import { cli } from '../helpers.ts';

const ONE_LINE = /^smpsim: [^\n]+\n$/;

describe('damaged tokens are refused, never replayed as another schedule', () => {
  it('a token cut short: exit 2 with one line', () => {
    const whole = cli(['run', 'exercises/irq-lock-no-irqsave/buggy.ts', '--trials', '300']);
    const token = /replay: smpsim replay \S+ (\S+)/.exec(whole.stdout)![1]!;
    expect(cli(['replay', 'exercises/irq-lock-no-irqsave/buggy.ts', token]).status).toBe(1);
    for (const cut of [token.length - 1, token.length - 9, token.lastIndexOf(':s') - 1]) {
      const r = cli(['replay', 'exercises/irq-lock-no-irqsave/buggy.ts', token.slice(0, cut)]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(ONE_LINE);
      expect(r.stderr).toContain('malformed replay token');
    }
  });

  it('an old-version token says so in one line, exit 2', () => {
    const r = cli(['replay', 'exercises/abba.ts', 'v1:random:1:c2:t0:10101']);
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(
      'smpsim: replay token "v1:random:1:c2:t0:10101" is version v1, from another smpsim release; this one reads v2 tokens: run the scenario again for a new token\n',
    );
  });

  it('huge runs and values are refused by the decoder before it allocates', () => {
    const bad = [
      sealToken('v2:random:1:c2:t0n5:ZzzzzzzzZ'),
      sealToken('v2:random:1:c2:t0n999999999:ZzzzzzzzZ'),
      sealToken('v2:random:1:c2:t0n5:XzzzzzzzzzX'),
      sealToken('v2:random:1:c2:t0n20000000:Zbwbw0Z'),
    ];
    for (const t of bad) {
      const before = process.memoryUsage().heapUsed;
      expect(() => decodeToken(t)).toThrow(TokenError);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 * 1024 * 1024);
    }
    const r = cli(['replay', 'exercises/abba.ts', bad[0]!]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(ONE_LINE);
    expect(r.stderr).toContain('more choices than the 5 the trial records');
  });
});
