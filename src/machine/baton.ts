/**
 * The baton: in controlled mode exactly one agent runs, and it hands over directly by storing
 * an order in the next agent's block and notifying that agent's own wait word.
 */
import { C, H, type Layout } from './layout.ts';
import { spinPays } from './host-load.ts';

/** Hand the baton to `agent` with an Order.* (and its argument). */
export function handBaton(m: Int32Array, L: Layout, agent: number, order: number, arg: number): void {
  const base = L.agentBlock(agent);
  m[base + C.ORDER] = order;
  m[base + C.ORDER_ARG] = arg;
  m[H.BATON] = agent;
  m[H.SWITCHES] = m[H.SWITCHES]! + 1;
  Atomics.store(m, base + C.WAKE, 1);
  // a spinning agent sees the word without a wake-up; Atomics.notify costs a lock even when no
  // one sleeps. It clears SPINNING before it sleeps, and sleeps only while WAKE is still 0.
  if (Atomics.load(m, base + C.SPINNING) === 0) Atomics.notify(m, base + C.WAKE, 1);
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

/**
 * Longest spin before sleeping. A hand-off on a free core arrives within microseconds; this
 * also covers the closer ending a trial, and costs no one a core while the host is quiet.
 */
const SPIN_MS = 0.2;
/** Polls of the wait word between two looks at the clock. */
const POLLS_PER_CLOCK = 128;
/** The moving average of spins that paid weighs about the last this many spins. */
const PAID_WINDOW = 32;
/**
 * Spinning goes on while at least this share of recent spins paid. On a quiet host a spin that
 * misses costs an idle core, not time; while V8 is still compiling the run's code a quarter of
 * spins can miss, and stopping at half of them missing measured 25–40% slower there.
 */
const PAID_ENOUGH = 0.2;
/** Where a probe that paid puts the average: a few more misses in a row stop spinning again. */
const PAID_RESUME = 0.3;
/** With spinning given up, try one spin again once every this many waits. */
const REPROBE_WAITS = 64;

/**
 * The waiting side of a hand-off: poll the wait word for a while before sleeping in
 * Atomics.wait, but only while spinning pays.
 *
 * A spin that sees the baton arrive saved a futex sleep and wake-up (the waker's
 * Atomics.notify alone costs several microseconds when someone sleeps); a spin that runs out
 * burnt a core for nothing. So each thread keeps a moving average of how often its spins
 * paid, and sleeps at once while almost none did (a scenario with long steps), with one spin
 * now and then to notice that they pay again. Misses now and then (a GC pause, code not yet
 * optimised) leave spinning on. And no thread spins at all while the process's CPU threads
 * and the cores the host's other work takes (host-load.ts) outnumber the cores: then a spinner
 * steals the core of a baton holder.
 */
export class HandoffSpin {
  private paid = 1;
  private waits = 0;

  /**
   * @param host the process's host words (host-load.ts), shared with every CPU thread
   */
  constructor(
    private readonly host: Int32Array,
    private readonly cores: number,
  ) {}

  /** Spin on the wait word of the agent whose block is at `block` while that pays; true when it was raised meanwhile. */
  spin(m: Int32Array, block: number): boolean {
    const w = block + C.WAKE;
    if (!spinPays(this.cores, this.host)) return Atomics.load(m, w) !== 0;
    if (this.paid < PAID_ENOUGH && ++this.waits % REPROBE_WAITS !== 0) return Atomics.load(m, w) !== 0;
    Atomics.store(m, block + C.SPINNING, 1);
    const paid = this.poll(m, w);
    Atomics.store(m, block + C.SPINNING, 0);
    return paid;
  }

  private poll(m: Int32Array, w: number): boolean {
    const until = performance.now() + SPIN_MS;
    do {
      for (let i = 0; i < POLLS_PER_CLOCK; i++) {
        if (Atomics.load(m, w) !== 0) {
          // a probe that pays turns spinning back on at once: what stopped it has passed
          this.paid = this.paid < PAID_ENOUGH ? PAID_RESUME : this.paid + (1 - this.paid) / PAID_WINDOW;
          return true;
        }
      }
    } while (performance.now() < until);
    this.paid -= this.paid / PAID_WINDOW;
    return false;
  }
}
