/**
 * Replay: take the recorded choices one by one. Past the end of the record the default
 * (index 0, nothing changes) is taken, so a short record means "no further preemption".
 *
 * In strict mode (replaying a token) a choice that does not exist here marks the trial as a
 * mismatch; in lenient mode (fast-check generated schedules) it is taken modulo the options.
 */
import type { Decision, Strategy } from './strategy.ts';

/** Its words: the position in the current trial's choices, the trial of the batch, a mismatch. */
const S_POS = 0;
const S_TRIAL = 1;
const S_MISMATCH = 2;

export class ReplayStrategy implements Strategy {
  static readonly WORDS = 3;

  /**
   * @param schedules the choices of each trial of the batch, by index in the batch
   * @param state     shared words, so that every worker continues where the last one stopped
   */
  constructor(
    private readonly schedules: ArrayLike<ArrayLike<number>>,
    private readonly strict: boolean,
    private readonly state: Int32Array,
  ) {}

  beginTrial(_trial: number, indexInBatch: number): boolean {
    this.state[S_POS] = 0;
    this.state[S_TRIAL] = indexInBatch;
    this.state[S_MISMATCH] = 0;
    return true;
  }

  choose(d: Decision): number {
    const st = this.state;
    const pos = st[S_POS]!;
    st[S_POS] = pos + 1;
    const choices = this.schedules[st[S_TRIAL]!] ?? [];
    const c = pos < choices.length ? choices[pos]! : 0;
    if (c < d.n) return c;
    if (this.strict) st[S_MISMATCH] = 1;
    return c % d.n;
  }

  /** Strict replays: a choice did not exist, or recorded choices were left unused. */
  mismatched(indexInBatch: number): boolean {
    if (!this.strict) return false;
    const choices = this.schedules[indexInBatch] ?? [];
    return this.state[S_MISMATCH] !== 0 || this.state[S_POS]! < choices.length;
  }
}
