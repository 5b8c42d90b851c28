/**
 * Probe: replay a prefix of choices, then record the next decision (its options, who holds the
 * baton, how many events the trial had made) in the strategy's own words and go on with choice
 * 0 (nothing changes) to the end. This is how a person stepping a machine learns what they may
 * choose next without the scheduler core knowing anyone is stepping: the prefix replays exactly,
 * and the first decision past it is the one being asked.
 *
 * Its words: [POS, MISMATCH, FOUND, N, CURRENT, EVENTS, STEP, options…].
 */
import { maxMigrateOptions, type Decision, type Strategy, type StrategyShape } from './strategy.ts';

export const PROBE = { POS: 0, MISMATCH: 1, FOUND: 2, N: 3, CURRENT: 4, EVENTS: 5, STEP: 6, OPTIONS: 7 } as const;

export class ProbeStrategy implements Strategy {
  /**
   * Options at one decision are at most: every agent, an early wake-up per agent, a softirq run
   * per CPU (no more CPUs than agents), the end, each line on each CPU, and each migration.
   */
  static wordsNeeded(shape: StrategyShape): number {
    return PROBE.OPTIONS + 3 * shape.agents + 1 + shape.fires.length * shape.agents + maxMigrateOptions(shape);
  }

  /**
   * @param prefix the choices made so far
   * @param state  the strategy's own words, shared by every worker the baton visits
   */
  constructor(
    private readonly prefix: readonly number[],
    private readonly state: Int32Array,
  ) {}

  beginTrial(): boolean {
    this.state[PROBE.POS] = 0;
    this.state[PROBE.MISMATCH] = 0;
    this.state[PROBE.FOUND] = 0;
    return true;
  }

  choose(d: Decision): number {
    const r = this.state;
    const pos = r[PROBE.POS]!;
    r[PROBE.POS] = pos + 1;
    if (pos < this.prefix.length) {
      const c = this.prefix[pos]!;
      if (c < d.n) return c;
      r[PROBE.MISMATCH] = 1;
      return 0;
    }
    if (pos === this.prefix.length && d.n <= r.length - PROBE.OPTIONS) {
      r[PROBE.FOUND] = 1;
      r[PROBE.N] = d.n;
      r[PROBE.CURRENT] = d.current;
      r[PROBE.EVENTS] = d.events;
      r[PROBE.STEP] = d.step;
      for (let i = 0; i < d.n; i++) r[PROBE.OPTIONS + i] = d.options[i]!;
    }
    return 0;
  }

  mismatched(): boolean {
    return this.state[PROBE.MISMATCH] !== 0 || this.state[PROBE.POS]! < this.prefix.length;
  }
}
