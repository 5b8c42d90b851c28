/**
 * The closer judges a finished trial while it waits in the next one, not before opening it.
 *
 * Under the baton the closer's thread idles (spins) whenever another agent runs; the
 * detectors' work on the trial before (a few microseconds) fits in that time, on a core that
 * would otherwise only poll. So closing a trial keeps a detached copy of what the detectors
 * read (its events, its schedule, its strings), opens the next trial at once, and the copy is
 * judged at the closer's next wait for the baton, or before the closer runs scenario code
 * again (which might hang or crash its thread), or before the next trial is closed and before
 * the batch ends: trials are still judged one by one, in order, and a finding is never lost
 * to the trial after it.
 *
 * Replays that keep events or capture reports judge each trial on the spot.
 */
import { EV_WORDS, EventLog } from './events.ts';
import type { TrialInfo } from './trial-info.ts';

/** What the closer does with each finished trial. */
export interface TrialObserver {
  onTrial(trial: TrialInfo): void;
  /** true when the observer may see a trial after the next one has opened (see above) */
  readonly deferrable?: boolean;
}

export class DeferredTrials {
  private pending: TrialInfo | undefined;
  /** what an observer threw while judging in a wait (inside scenario code's stack) */
  private failure: { error: unknown } | undefined;

  /**
   * Two buffers for the copies of trials' events, used in turn and kept from trial to trial: a
   * long trial's copy is hundreds of kilobytes, and a new one per trial kept V8's collector
   * busy. The copy of trial k is judged before trial k + 2 is copied (defer() settles first).
   */
  private readonly copies = [new Int32Array(0), new Int32Array(0)];
  private turn = 0;

  constructor(private readonly observer: TrialObserver) {}

  /**
   * A copy of the `count` events logged from word `base` of `m`, valid until it is judged (the
   * buffer is used again after).
   */
  keep(m: Int32Array, base: number, count: number): EventLog {
    const n = count * EV_WORDS;
    let buf = this.copies[this.turn]!;
    if (buf.length < n) buf = this.copies[this.turn] = new Int32Array(Math.max(n, 2 * buf.length));
    // a short log word by word: a view to copy it from would be the trial's largest allocation
    if (n < 1024) for (let i = 0; i < n; i++) buf[i] = m[base + i]!;
    else buf.set(m.subarray(base, base + n));
    this.turn ^= 1;
    return new EventLog(buf, count);
  }

  /** Judge `t` later; `t` must not read the shared buffer, which the next trial overwrites. */
  defer(t: TrialInfo): void {
    this.settle();
    this.pending = t;
  }

  /**
   * Judge the trial kept, if any, from a wait for the baton: what the observer throws is kept
   * for settle(), so that it never passes for the scenario's own exception.
   */
  whileWaiting(): void {
    try {
      this.judge();
    } catch (error) {
      this.failure ??= { error };
    }
  }

  /** Judge the trial kept, if any, and throw what judging threw: the batch loop's own call. */
  settle(): void {
    this.judge();
    const f = this.failure;
    if (f) throw f.error;
  }

  private judge(): void {
    const t = this.pending;
    if (!t) return;
    this.pending = undefined;
    this.observer.onTrial(t);
  }
}
