/**
 * Tokens fuzzed: mutated valid tokens, resealed random schedules and random strings. Each one
 * either replays faithfully (the same events as a fresh replay of the token it decodes to) or is
 * refused with a TokenError, which the CLI prints as one line with exit 2. Nothing crashes,
 * hangs or silently runs another schedule.
 */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { replay, shutdown } from '../src/index.ts';
import {
  decodeToken,
  digestText,
  encodeToken,
  segment,
  sealToken,
  type TrialSchedule,
  TokenError,
} from '../src/sched/token.ts';
import { EV_WORDS } from '../src/machine/events.ts';
import { cli } from '../test/helpers.ts';

afterAll(() => shutdown());

const PATH = 'exercises/abba.ts';
const VALID = [
  'v2:random:1:c2:t0n5:10101:sccqfco',
  encodeToken({ strategy: 'random', seed: 7, cpus: 2 }, [segment(3, [0, 1, 0, 0, 0, 1]), segment(9, [1, 1])]),
];
const ALPHABET = 'v2:randomc0123456789tnsXZR+abz-'.split('');

const mutated = fc
  .tuple(
    fc.constantFrom(...VALID),
    fc.array(fc.tuple(fc.nat(), fc.constantFrom('delete', 'insert', 'replace', 'cut'), fc.constantFrom(...ALPHABET)), {
      minLength: 1,
      maxLength: 4,
    }),
  )
  .map(([t, edits]) => {
    for (const [at, op, ch] of edits) {
      const i = at % (t.length + 1);
      if (op === 'delete') t = t.slice(0, i) + t.slice(i + 1);
      else if (op === 'insert') t = t.slice(0, i) + ch + t.slice(i);
      else if (op === 'replace') t = t.slice(0, i) + ch + t.slice(i + 1);
      else t = t.slice(0, i);
    }
    return t;
  });
/** Well-formed, correctly sealed tokens whose choices may or may not fit the scenario. */
const resealed = fc
  .array(fc.nat({ max: 40 }), { maxLength: 30 })
  .map((choices) => sealToken(`v2:random:1:c2:${segment(0, choices)}`));
const random = fc.string({ unit: fc.constantFrom(...ALPHABET), maxLength: 60 });
/** Sealed trials named by count and digest (a long random trial's form), mostly naming no real trial. */
const regenerated = fc
  .tuple(fc.nat({ max: 12 }), fc.nat({ max: 36 ** 6 - 1 }))
  .map(([n, digest]) => sealToken(`v2:random:1:c2:t0n${n}:R${digestText(digest)}`));

/** A trial's part of a token, as the decoder read it. */
const segmentOf = (t: TrialSchedule): string =>
  t.regenerated
    ? `t${t.trial}n${t.regenerated.count}:R${digestText(t.regenerated.digest)}`
    : segment(t.trial, t.choices);

type Outcome = { refused: string } | { events: number[]; token: string };

async function outcome(token: string): Promise<Outcome> {
  try {
    const r = await replay(PATH, token);
    const t = r.trials[0]!;
    return { events: Array.from(t.events.words.slice(0, t.events.length * EV_WORDS)), token: t.token };
  } catch (e) {
    if (e instanceof TokenError) return { refused: e.message };
    throw e; // anything else is a crash: the property fails
  }
}

describe('fuzzed tokens', () => {
  it('replay faithfully or are refused with a TokenError', async () => {
    let faithful = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(mutated, resealed, random, regenerated), async (token) => {
        const got = await outcome(token);
        if ('refused' in got) {
          expect(got.refused).not.toContain('\n');
          refused++;
          return;
        }
        // the token decodes to a schedule: a fresh replay of exactly that schedule is the same run
        const d = decodeToken(token);
        const fresh = await outcome(encodeToken(d, d.trials.map(segmentOf)));
        expect(fresh).toEqual(got);
        faithful++;
      }),
      { numRuns: 150, seed: 16 },
    );
    expect(refused).toBeGreaterThan(0);
    expect(faithful).toBeGreaterThan(0);
  });

  it('the CLI refuses a damaged token with one line and exit 2', () => {
    for (const token of ['v2:random:1:c2:t0n5:1010:sccqfco', 'v2:random:1:c2:t0n5:10101:sccqfcp', '::::::', 'v9:x']) {
      const r = cli(['replay', PATH, token]);
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^smpsim: [^\n]+\n$/);
    }
  });
});
