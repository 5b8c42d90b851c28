/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte,
 * ASPLOS 2010). Each agent gets a random distinct priority >= d; d-1 change points are drawn
 * uniformly over the k steps a trial is expected to take; at the i-th change point the running
 * agent drops to priority i (below every initial one). At every step the highest-priority agent
 * that can run goes on. A bug of depth d is then found with probability >= 1/(n k^(d-1)).
 *
 * Interrupts are placed the same way: each possible firing of a line gets a random step in
 * [1, k]; from that step on it is delivered at the first point where it can be.
 *
 * k is learned: the largest number of steps seen in the trials so far (the agent that opens trials keeps it).
 */
import { below, trialSeed } from './prng.ts';
import {
  END_OPTION,
  IRQ_OPTION,
  isFlushOption,
  isIrqOption,
  isSoftirqOption,
  isTimerOption,
  optionLine,
  type Decision,
  type Strategy,
  type StrategyShape,
} from './strategy.ts';

const S_RNG = 0;
const S_CHANGE = 8; //  d-1 change points (steps)
const MAX_DEPTH = 16;
const MAX_FIRES_PER_LINE = 8;
const NEVER = 0x7fffffff;
const EXTRA_ONE_IN = 8;
/**
 * options no agent priority ranks: early wake-ups and faults (below END), softirq runs, timer
 * ticks, buffered stores draining
 */
function isExtra(o: number): boolean {
  return o < END_OPTION || isSoftirqOption(o) || isTimerOption(o) || isFlushOption(o);
}

export class PctStrategy implements Strategy {
  private k = 64;
  private readonly prioBase: number;
  private readonly fireBase: number;
  private readonly nagents: number;
  private readonly fires: readonly number[];

  constructor(
    private readonly state: Int32Array,
    private readonly seed: number,
    private readonly depth: number,
    shape: StrategyShape,
  ) {
    this.nagents = shape.agents;
    this.fires = shape.fires;
    this.prioBase = S_CHANGE + MAX_DEPTH;
    this.fireBase = this.prioBase + this.nagents;
  }

  static wordsNeeded(shape: StrategyShape): number {
    return S_CHANGE + MAX_DEPTH + shape.agents + shape.fires.length * MAX_FIRES_PER_LINE;
  }

  beginTrial(trial: number): boolean {
    const st = this.state;
    st[S_RNG] = trialSeed(this.seed, trial);
    const d = Math.min(Math.max(this.depth, 1), MAX_DEPTH);
    // distinct priorities d … d+n-1 in random order (Fisher-Yates)
    for (let c = 0; c < this.nagents; c++) st[this.prioBase + c] = d + c;
    for (let c = this.nagents - 1; c > 0; c--) {
      const j = below(st, S_RNG, c + 1);
      const t = st[this.prioBase + c]!;
      st[this.prioBase + c] = st[this.prioBase + j]!;
      st[this.prioBase + j] = t;
    }
    for (let i = 0; i < MAX_DEPTH; i++) st[S_CHANGE + i] = i < d - 1 ? 1 + below(st, S_RNG, this.k) : NEVER;
    this.fires.forEach((n, line) => {
      for (let f = 0; f < MAX_FIRES_PER_LINE; f++) {
        st[this.fireBase + line * MAX_FIRES_PER_LINE + f] = f < n ? 1 + below(st, S_RNG, this.k) : NEVER;
      }
    });
    return true;
  }

  endTrial(steps: number): void {
    if (steps > this.k) this.k = steps;
  }

  choose(d: Decision): number {
    const st = this.state;
    for (let i = 0; i < MAX_DEPTH; i++) {
      if (st[S_CHANGE + i] === d.step && d.current < this.nagents) {
        st[this.prioBase + d.current] = i + 1; // below every initial priority (>= d)
      }
    }
    // a timeout, signal or allocation failure (wake options, below END), or pending softirqs
    // run at a scheduling point: no agent priority ranks these, so take one now and then
    let extras = 0;
    for (let i = 0; i < d.n; i++) if (isExtra(d.options[i]!)) extras++;
    if (extras > 0 && below(st, S_RNG, EXTRA_ONE_IN) === 0) {
      let k = below(st, S_RNG, extras);
      for (let i = 0; i < d.n; i++) if (isExtra(d.options[i]!) && k-- === 0) return i;
    }
    // an interrupt whose time has come, when it can be delivered somewhere
    for (let i = 0; i < d.n; i++) {
      const o = d.options[i]!;
      if (!isIrqOption(o) || isExtra(o)) continue;
      const line = optionLine(o);
      const slot = this.dueFiring(line, d.step);
      if (slot < 0) continue;
      let count = 0;
      for (let j = i; j < d.n && isIrqOption(d.options[j]!) && optionLine(d.options[j]!) === line; j++) count++;
      st[slot] = NEVER;
      return i + below(st, S_RNG, count);
    }
    let best = -1;
    let bestPrio = -1;
    for (let i = 0; i < d.n; i++) {
      const o = d.options[i]!;
      if (o >= IRQ_OPTION) break; // agents come first; then interrupts, flushes, a read's values
      const p = o < 0 ? 0 : st[this.prioBase + o]!; // END ranks below every agent
      if (p > bestPrio) {
        bestPrio = p;
        best = i;
      }
    }
    return best >= 0 ? best : below(st, S_RNG, d.n);
  }

  private dueFiring(line: number, step: number): number {
    const base = this.fireBase + line * MAX_FIRES_PER_LINE;
    for (let f = 0; f < MAX_FIRES_PER_LINE; f++) {
      if (this.state[base + f]! <= step) return base + f;
    }
    return -1;
  }
}
