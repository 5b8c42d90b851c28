/**
 * DPOR: systematic exploration of every distinct interleaving, one execution per class of
 * equivalent ones (executions that differ only in the order of independent steps).
 *
 * Algorithm: source-set DPOR with sleep sets (Abdulla, Aronis, Jonsson, Sagonas, "Optimal
 * Dynamic Partial Order Reduction", POPL 2014, Algorithm 1), not the optimal variant with
 * wakeup trees. Why: its whole state is a stack of small per-decision records (bit sets over a
 * decision's options) that fits in the strategy's region of the shared buffer, so exploration
 * runs inside the workers, trial after trial, at the speed of any other strategy; wakeup trees
 * would need a tree of sequences per node. Source sets already explore far fewer executions
 * than persistent sets; what we give up is the guarantee of exactly one execution per
 * Mazurkiewicz trace: some executions may end *sleep-set blocked* (every enabled option
 * asleep), and we count them (`sleepSetBlocked`).
 *
 * The dependency relation is footprint.ts's: same object and one of them writes, ANY, or the
 * same CPU (interrupts, softirq runs and preemption land on the code of their CPU). Every
 * scheduler choice is a branch: which agent steps, irq deliveries, softirq runs, early
 * wake-ups (timeouts, signals); an allocation fault is a data choice, both sides explored.
 *
 * Lifecycle: the closer's `endTrial` runs the race analysis (dpor-races.ts) over the execution
 * just recorded and adds backtrack points; it then picks the next branch, the deepest decision
 * with a backtrack option neither explored, asleep nor over the preemption bound; `beginTrial`
 * answers false when there is none. `choose` replays the prefix up to that decision, takes the
 * new option there, and past it records each decision (options, footprints, sleep set) and
 * takes the first option not asleep, 0 first (no preemption).
 *
 * Preemption bound (CHESS): a branch that would switch away from an agent that could go on,
 * beyond the bound, is not explored, and the run is then not complete; with `iterate`, the
 * search runs again with bounds 0, 1 … up to the bound, stopping at the first one that prunes
 * nothing.
 */
import { findRaces, type Trace } from './dpor-races.ts';
import { dependent } from './footprint.ts';
import {
  isFlushOption,
  isIrqOption,
  isValueOption,
  wakeOption,
  type Decision,
  type Strategy,
  type StrategyShape,
} from './strategy.ts';

/** Header words of the region. */
export const DPOR = {
  DEPTH: 0, //        decisions recorded on the current path
  POS: 1, //          decision index in the running trial
  EXECUTIONS: 2, //   executions explored so far (over every bound)
  BLOCKED: 3, //      executions that ended sleep-set blocked
  STOP_AT: 4, //      decision where this trial's recording stopped (blocked, overflow), or -1
  OVERFLOW: 5, //     some execution had more decisions than the region holds
  PRUNED: 6, //       the preemption bound kept some branch from being explored
  FINISHED: 7, //     nothing left to explore
  BOUND: 8, //        preemption bound in force (-1: none)
  NEXT_K: 9, //       where the next trial branches, and which option it takes
  NEXT_C: 10,
  BRANCH: 11, //      the decision where the running trial left the last one's path
  WORDS: 12,
} as const;

/** Words of one decision record, then OPT words per option. */
const N = 0;
const CHOSEN = 1;
const CURRENT = 2;
const BACKTRACK = 3;
const DONE = 4;
const SKIP = 5;
const SLEEP = 6;
const PREEMPTS = 7;
const FAULT = 8;
const NODE_HEAD = 9;
const VAL = 0;
const OBJ = 1;
const ACC = 2;
const CPU = 3;
const OPT = 4;

/** Decisions one execution may have before its recording overflows. */
export const DPOR_MAX_DECISIONS = 1024;
/** Options one decision may have: sets of them are bits of one word. */
export const DPOR_MAX_OPTIONS = 31;

/** Options at one decision, at most: as probe.ts counts them. */
export function maxOptions(shape: StrategyShape): number {
  const values = shape.values ?? 0;
  return Math.max(3 * shape.agents + 1 + shape.fires.length * shape.agents + (shape.flushes ?? 0), values);
}

const bit = (i: number): number => 1 << i;
const lowest = (mask: number): number => 31 - Math.clz32(mask & -mask);

export class DporStrategy implements Strategy {
  readonly footprints = true;
  private readonly opts: number;
  private readonly nodeWords: number;

  static wordsNeeded(shape: StrategyShape): number {
    const opts = Math.min(maxOptions(shape), DPOR_MAX_OPTIONS);
    return DPOR.WORDS + DPOR_MAX_DECISIONS * (NODE_HEAD + OPT * opts);
  }

  /**
   * @param st      the region, shared by every worker the baton visits
   * @param bound   preemption bound, or -1
   * @param iterate search with bounds 0 … bound in turn
   * @param reduce  false: no reduction at all, every option of every decision is explored
   *                (the `dfs` strategy: all interleavings, the baseline DPOR is measured by)
   */
  constructor(
    private readonly st: Int32Array,
    shape: StrategyShape,
    private readonly bound: number,
    private readonly iterate: boolean,
    private readonly reduce = true,
  ) {
    if (maxOptions(shape) > DPOR_MAX_OPTIONS) {
      throw new Error(
        `dpor handles up to ${DPOR_MAX_OPTIONS} options per decision; this machine can have ${maxOptions(shape)}`,
      );
    }
    this.opts = Math.min(maxOptions(shape), DPOR_MAX_OPTIONS);
    this.nodeWords = NODE_HEAD + OPT * this.opts;
  }

  private node(k: number): number {
    return DPOR.WORDS + k * this.nodeWords;
  }
  private opt(k: number, i: number): number {
    return this.node(k) + NODE_HEAD + i * OPT;
  }

  beginTrial(trial: number): boolean {
    const st = this.st;
    if (trial === 0) {
      st.fill(0, 0, DPOR.WORDS);
      this.restart(this.iterate ? Math.min(0, this.bound) : this.bound);
    } else {
      if (st[DPOR.FINISHED]) return false;
      const k = st[DPOR.NEXT_K]!;
      const c = st[DPOR.NEXT_C]!;
      if (k >= 0) {
        const nb = this.node(k);
        st[nb + DONE] = st[nb + DONE]! | bit(c);
        st[nb + CHOSEN] = c;
        st[DPOR.DEPTH] = k + 1;
      }
      st[DPOR.BRANCH] = Math.max(k, 0);
    }
    st[DPOR.POS] = 0;
    st[DPOR.STOP_AT] = -1;
    return true;
  }

  /** A fresh search with `bound` (executions and counts are kept). */
  private restart(bound: number): void {
    const st = this.st;
    st[DPOR.DEPTH] = 0;
    st[DPOR.PRUNED] = 0;
    st[DPOR.FINISHED] = 0;
    st[DPOR.BOUND] = bound;
    st[DPOR.NEXT_K] = -1;
    st[DPOR.BRANCH] = 0;
  }

  choose(d: Decision): number {
    const st = this.st;
    if (st[DPOR.STOP_AT]! >= 0) return 0;
    const pos = st[DPOR.POS]!;
    st[DPOR.POS] = pos + 1;
    if (pos < st[DPOR.DEPTH]!) return Math.min(st[this.node(pos) + CHOSEN]!, d.n - 1);
    if (pos >= DPOR_MAX_DECISIONS || d.n > this.opts) {
      st[DPOR.OVERFLOW] = 1;
      st[DPOR.STOP_AT] = pos;
      return 0;
    }
    const nb = this.node(pos);
    st[nb + N] = d.n;
    st[nb + CURRENT] = d.current;
    for (let i = 0; i < d.n; i++) {
      const ob = this.opt(pos, i);
      st[ob + VAL] = d.options[i]!;
      st[ob + OBJ] = d.objs[i]!;
      st[ob + ACC] = d.access[i]!;
      st[ob + CPU] = d.cpus[i]!;
    }
    // an allocation fault, or the value a read returns, is data, not scheduling: every side
    // is always explored
    const fault =
      (d.n === 2 && d.options[0] === d.current && d.options[1] === wakeOption(d.current)) ||
      isValueOption(d.options[0]!);
    st[nb + FAULT] = fault ? 1 : 0;
    st[nb + SKIP] = 0;
    const sleep = pos === 0 || fault || !this.reduce ? 0 : this.inheritSleep(pos - 1, pos);
    st[nb + SLEEP] = sleep;
    st[nb + PREEMPTS] =
      pos === 0
        ? 0
        : st[this.node(pos - 1) + PREEMPTS]! + (this.preempts(pos - 1, st[this.node(pos - 1) + CHOSEN]!) ? 1 : 0);
    const awake = ((1 << d.n) - 1) & ~sleep;
    if (awake === 0) {
      // every option asleep: whatever follows is explored from a sibling already
      st[DPOR.BLOCKED] = st[DPOR.BLOCKED]! + 1;
      st[DPOR.STOP_AT] = pos;
      return 0;
    }
    const c = lowest(awake);
    st[nb + CHOSEN] = c;
    st[nb + DONE] = bit(c);
    st[nb + BACKTRACK] = fault || !this.reduce ? (1 << d.n) - 1 : bit(c);
    st[DPOR.DEPTH] = pos + 1;
    return c;
  }

  /**
   * Sleep set at decision k+1: the options asleep or explored at k (but the one taken) whose
   * next step is independent of the step taken at k, as indices into k+1's options.
   */
  private inheritSleep(k: number, next: number): number {
    const st = this.st;
    const nb = this.node(k);
    const c = st[nb + CHOSEN]!;
    let from = (st[nb + SLEEP]! | st[nb + DONE]!) & ~bit(c);
    if (from === 0) return 0;
    const e = this.opt(k, c);
    let out = 0;
    const n = st[this.node(next) + N]!;
    while (from !== 0) {
      const i = lowest(from);
      from &= ~bit(i);
      const q = this.opt(k, i);
      if (dependent(st[q + OBJ]!, st[q + ACC]!, st[q + CPU]!, st[e + OBJ]!, st[e + ACC]!, st[e + CPU]!)) continue;
      for (let j = 0; j < n; j++) {
        if (st[this.opt(next, j) + VAL] === st[q + VAL]) {
          out |= bit(j);
          break;
        }
      }
    }
    return out;
  }

  /** Taking option c at decision k switches away from an agent that could go on. */
  private preempts(k: number, c: number): boolean {
    const st = this.st;
    if (c === 0 || st[this.node(k) + FAULT]) return false;
    const v = st[this.opt(k, c) + VAL]!;
    return st[this.opt(k, 0) + VAL] === st[this.node(k) + CURRENT] && v >= 0 && !isIrqOption(v) && !isFlushOption(v);
  }

  endTrial(): void {
    const st = this.st;
    st[DPOR.EXECUTIONS] = st[DPOR.EXECUTIONS]! + 1;
    if (this.reduce) this.addBacktracks();
    this.pickNext();
  }

  /** Race analysis of the execution just recorded: backtrack points where races reverse. */
  private addBacktracks(): void {
    const st = this.st;
    const depth = st[DPOR.DEPTH]!;
    const chosen = (k: number): number => this.opt(k, st[this.node(k) + CHOSEN]!);
    const trace: Trace = {
      length: depth,
      // a fault decision is its agent going on, whichever way it went
      proc: (k) => (st[this.node(k) + FAULT] ? st[this.node(k) + CURRENT]! : st[chosen(k) + VAL]!),
      obj: (k) => st[chosen(k) + OBJ]!,
      access: (k) => st[chosen(k) + ACC]!,
      cpu: (k) => st[chosen(k) + CPU]!,
    };
    if (st[DPOR.STOP_AT]! < 0) this.addPending(trace);
    findRaces(trace, st[DPOR.BRANCH]!, (i, initials) => {
      const nb = this.node(i);
      const n = st[nb + N]!;
      const bt = st[nb + BACKTRACK]!;
      if (bt === (1 << n) - 1) return;
      const first = initials();
      let mask = 0;
      for (let j = 0; j < n; j++) if (first.includes(st[this.opt(i, j) + VAL]!)) mask |= bit(j);
      if ((mask & bt) !== 0) return;
      // no initial is an option here (a footprint too coarse to say): try them all
      st[nb + BACKTRACK] = bt | (mask === 0 ? (1 << n) - 1 : bit(lowest(mask)));
    });
  }

  /**
   * Options offered but never taken: an interrupt that could have fired, a timeout, an agent
   * that was left blocked. Their step is in no trace, so no race names them; but the step that
   * disabled them (or the end of the trial) is dependent with it, so it is explored at the last
   * decision that offered it, and races with it are found in that execution.
   */
  private addPending(trace: Trace): void {
    const st = this.st;
    const seen = new Set<number>();
    for (let k = trace.length - 1; k >= 0; k--) {
      const nb = this.node(k);
      const n = st[nb + N]!;
      let add = 0;
      for (let i = 0; i < n; i++) {
        const v = st[this.opt(k, i) + VAL]!;
        if (!seen.has(v)) add |= bit(i);
        seen.add(v);
      }
      // taken here or later: not pending
      const p = trace.proc(k);
      seen.add(p);
      add &= ~bit(st[nb + CHOSEN]!);
      st[nb + BACKTRACK] = st[nb + BACKTRACK]! | (st[nb + FAULT] ? 0 : add);
    }
  }

  /** The deepest decision with an option to explore; past the bound, the next bound or the end. */
  private pickNext(): void {
    const st = this.st;
    // an execution longer than the record (a livelock, a spinning retry) cannot be told
    // complete, however long the search goes on: stop at once, so that sampling takes over
    if (st[DPOR.OVERFLOW]) {
      st[DPOR.FINISHED] = 1;
      return;
    }
    const bound = st[DPOR.BOUND]!;
    for (let k = st[DPOR.DEPTH]! - 1; k >= 0; k--) {
      const nb = this.node(k);
      let cand = st[nb + BACKTRACK]! & ~st[nb + DONE]! & ~st[nb + SLEEP]! & ~st[nb + SKIP]!;
      while (cand !== 0) {
        const c = lowest(cand);
        cand &= ~bit(c);
        if (bound >= 0 && st[nb + PREEMPTS]! + (this.preempts(k, c) ? 1 : 0) > bound) {
          st[nb + SKIP] = st[nb + SKIP]! | bit(c);
          st[DPOR.PRUNED] = 1;
          continue;
        }
        st[DPOR.NEXT_K] = k;
        st[DPOR.NEXT_C] = c;
        return;
      }
    }
    if (this.iterate && st[DPOR.PRUNED] && bound < this.bound) {
      this.restart(bound + 1);
      return;
    }
    st[DPOR.FINISHED] = 1;
  }
}

/** What a finished (or stopped) exploration says, read from its region. */
export interface Exhaustive {
  /** every execution of the space was explored (no bound pruned one, none overflowed) */
  complete: boolean;
  /** the search ran out of executions (or was stopped) before it was finished */
  stopped: boolean;
  /** an execution had more decisions than DPOR_MAX_DECISIONS (a livelock?): the search gave up */
  overflow: boolean;
  executions: number;
  /** the preemption bound in force at the end, or null when unbounded */
  bound: number | null;
  sleepSetBlocked: number;
}

export function exhaustiveOf(st: Int32Array): Exhaustive {
  const bound = st[DPOR.BOUND]!;
  return {
    complete: st[DPOR.FINISHED] === 1 && st[DPOR.PRUNED] === 0 && st[DPOR.OVERFLOW] === 0,
    stopped: st[DPOR.FINISHED] !== 1,
    overflow: st[DPOR.OVERFLOW] === 1,
    executions: st[DPOR.EXECUTIONS]!,
    bound: bound >= 0 ? bound : null,
    sleepSetBlocked: st[DPOR.BLOCKED]!,
  };
}
