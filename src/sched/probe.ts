/**
 * Probe: replay a prefix of choices, then record the next decision (its options, who holds the
 * baton, how many events the trial had made) in the strategy's own words and go on with choice
 * 0 (nothing changes) to the end. This is how a person stepping a machine learns what they may
 * choose next without the scheduler core knowing anyone is stepping: the prefix replays exactly,
 * and the first decision past it is the one being asked.
 *
 * Record, in `region`: [FOUND, N, CURRENT, EVENTS, STEP, options…].
 */
import type { Decision, Strategy } from './strategy.ts';

export const PROBE = { FOUND: 0, N: 1, CURRENT: 2, EVENTS: 3, STEP: 4, OPTIONS: 5 } as const;

export class ProbeStrategy implements Strategy {
  /**
   * @param prefix  the choices made so far
   * @param m       the machine's words: the replay position, the mismatch flag and the event
   *                count live there, shared by every worker the baton visits
   * @param at      their indices
   * @param region  the strategy's own words, where the next decision is recorded
   */
  constructor(
    private readonly prefix: readonly number[],
    private readonly m: Int32Array,
    private readonly at: { pos: number; mismatch: number; events: number },
    private readonly region: Int32Array,
  ) {}

  beginTrial(): void {
    this.m[this.at.pos] = 0;
    this.region[PROBE.FOUND] = 0;
  }

  choose(d: Decision): number {
    const pos = this.m[this.at.pos]!;
    this.m[this.at.pos] = pos + 1;
    if (pos < this.prefix.length) {
      const c = this.prefix[pos]!;
      if (c < d.n) return c;
      this.m[this.at.mismatch] = 1;
      return 0;
    }
    if (pos === this.prefix.length && d.n <= this.region.length - PROBE.OPTIONS) {
      const r = this.region;
      r[PROBE.FOUND] = 1;
      r[PROBE.N] = d.n;
      r[PROBE.CURRENT] = d.current;
      r[PROBE.EVENTS] = this.m[this.at.events]!;
      r[PROBE.STEP] = d.step;
      for (let i = 0; i < d.n; i++) r[PROBE.OPTIONS + i] = d.options[i]!;
    }
    return 0;
  }

  leftOver(): boolean {
    return this.m[this.at.pos]! < this.prefix.length;
  }
}
