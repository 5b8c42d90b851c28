/**
 * Replay: take the recorded choices one by one. Past the end of the record the default
 * (index 0, nothing changes) is taken, so a short record means "no further preemption".
 *
 * In strict mode (replaying a token) a choice that does not exist here marks the trial as a
 * mismatch; in lenient mode (fast-check generated schedules) it is taken modulo the options.
 */
import type { Decision, Strategy } from './strategy.ts';

export class ReplayStrategy implements Strategy {
  /**
   * @param schedules the choices of each trial of the batch, by trial number
   * @param header    shared words: the position in the current trial's choices, the trial
   *                  number and the mismatch flag, so that every worker continues where the
   *                  last one stopped
   */
  constructor(
    private readonly schedules: ArrayLike<ArrayLike<number>>,
    private readonly strict: boolean,
    private readonly header: Int32Array,
    private readonly at: { pos: number; trial: number; mismatch: number },
  ) {}

  beginTrial(): void {
    this.header[this.at.pos] = 0;
  }

  choose(d: Decision): number {
    const pos = this.header[this.at.pos]!;
    this.header[this.at.pos] = pos + 1;
    const choices = this.schedules[this.header[this.at.trial]!] ?? [];
    const c = pos < choices.length ? choices[pos]! : 0;
    if (c < d.n) return c;
    if (this.strict) this.header[this.at.mismatch] = 1;
    return c % d.n;
  }

  /** True when the trial consumed fewer choices than the record holds (strict replays). */
  leftOver(trial: number): boolean {
    if (!this.strict) return false;
    const choices = this.schedules[trial] ?? [];
    return this.header[this.at.pos]! < choices.length;
  }
}
