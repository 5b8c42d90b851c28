import { describe, expect, it } from 'vitest';
import { test as fcTest, fc } from '@fast-check/vitest';
import { TokenError, decodeChoices, decodeToken, encodeChoices, encodeToken, segment } from '../../src/sched/token.ts';

describe('schedule tokens', () => {
  fcTest.prop([fc.array(fc.oneof(fc.constant(0), fc.nat(40), fc.nat(5000)), { maxLength: 200 })])(
    'choices survive encode → decode unchanged',
    (choices) => {
      expect(decodeChoices(encodeChoices(choices), choices.length)).toEqual(choices);
    },
  );

  fcTest.prop([
    fc.constantFrom('random', 'pct'),
    fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    fc.integer({ min: 1, max: 64 }),
    fc.array(fc.record({ trial: fc.nat(10_000), choices: fc.array(fc.nat(300), { maxLength: 40 }) }), {
      minLength: 1,
      maxLength: 4,
    }),
  ])('a token decodes to the strategy, seed, cpus and trials it was made from', (strategy, seed, cpus, trials) => {
    const token = encodeToken(
      { strategy, seed, cpus },
      trials.map((t) => segment(t.trial, t.choices)),
    );
    expect(token).toMatch(/^[0-9A-Za-z:+-]+$/);
    expect(decodeToken(token)).toEqual({ strategy, seed, cpus, trials });
  });

  it('a run of zeros is compressed, a large choice is bracketed', () => {
    expect(encodeChoices([0, 0, 0, 0, 1, 36])).toBe('Z4Z1X10X');
  });

  it('a malformed token is a TokenError naming what is wrong', () => {
    expect(() => decodeToken('v9:random:1:c2:t0n1:0:s0')).toThrow(TokenError);
    expect(() => decodeToken('v2:random:1:c2:t0n3:Z3')).toThrow(TokenError);
    expect(() => decodeToken('v2:random:x:c2:t0n1:0:s0')).toThrow(TokenError);
  });
});
