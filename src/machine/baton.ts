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
