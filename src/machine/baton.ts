/**
 * The baton: in controlled mode exactly one agent runs, and it hands over directly by storing
 * an order in the next agent's block and notifying that agent's own wait word.
 */
import { C, H, type Layout } from './layout.ts';

/** Hand the baton to `agent` with an Order.* (and its argument). */
export function handBaton(m: Int32Array, L: Layout, agent: number, order: number, arg: number): void {
  const base = L.agentBlock(agent);
  m[base + C.ORDER] = order;
  m[base + C.ORDER_ARG] = arg;
  m[H.BATON] = agent;
  m[H.SWITCHES] = m[H.SWITCHES]! + 1;
  Atomics.store(m, base + C.WAKE, 1);
  Atomics.notify(m, base + C.WAKE, 1);
}

/** Agent `agent`'s worker has started its batch: the watchdog may now count its silence as a hang. */
export function markReady(m: Int32Array, L: Layout, agent: number): void {
  Atomics.store(m, L.agentBlock(agent) + C.READY, 1);
}

/** Raise the stop word and wake every agent but `except`, so that each leaves its batch. */
export function stopAgents(m: Int32Array, L: Layout, except = -1): void {
  Atomics.store(m, H.STOP, 1);
  for (let a = 0; a < L.nagents; a++) {
    if (a === except) continue;
    Atomics.store(m, L.agentBlock(a) + C.WAKE, 1);
    Atomics.notify(m, L.agentBlock(a) + C.WAKE, 1);
  }
}

/** Longest spin before waiting, in polls of the wait word (a few tens of microseconds). */
const SPIN_POLLS = 4000;
/** After a spin that paid, room for this many times the polls it took. */
const SPIN_HEADROOM = 2;
/** With spinning given up, try a short spin again once every this many waits. */
const REPROBE_WAITS = 256;
const PROBE_POLLS = 64;

/**
 * The waiting side of a hand-off: poll the wait word for a while before sleeping in
 * Atomics.wait, but only while spinning pays.
 *
 * A spin that sees the baton arrive saved a futex wake-up (tens of microseconds); a spin that
 * runs out was a core taken from the thread that holds the baton. So the budget follows the
 * observed hand-off latency (twice the polls the last successful spin took) and halves after
 * each spin that ran out, down to none, with a short probe now and then to notice the host
 * getting quiet again. And no thread spins at all while more CPU threads of the process are
 * in batches than the host has cores: then a spinner always steals from a baton holder.
 */
export class HandoffSpin {
  private budget = SPIN_POLLS;
  private waits = 0;

  /**
   * @param threads process-wide count of CPU threads in running batches (one shared word,
   *                kept by the host side of the machine)
   */
  constructor(
    private readonly threads: Int32Array,
    private readonly cores: number,
  ) {}

  /** Spin on word `w` of `m` while that pays; true when it was raised meanwhile. */
  spin(m: Int32Array, w: number): boolean {
    if (Atomics.load(this.threads, 0) > this.cores) return Atomics.load(m, w) !== 0;
    let polls = this.budget;
    if (polls === 0) {
      if (++this.waits % REPROBE_WAITS !== 0) return Atomics.load(m, w) !== 0;
      polls = PROBE_POLLS;
    }
    for (let i = 0; i < polls; i++) {
      if (Atomics.load(m, w) !== 0) {
        this.budget = Math.min(SPIN_POLLS, Math.max(this.budget, SPIN_HEADROOM * (i + 1), PROBE_POLLS));
        return true;
      }
    }
    this.budget >>= 1;
    return false;
  }
}

/** The host's count of CPU threads in running batches, shared with every CPU worker. */
export const hostThreads = new Int32Array(new SharedArrayBuffer(4));
