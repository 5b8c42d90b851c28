/**
 * RCU's state, the machine's own object (one instance, never declared): the grace-period
 * counter and, per agent, when its current read-side critical section began. Non-preemptible
 * RCU: a reader runs with preemption off, so a reader is simply "this agent, between its
 * outermost rcu_read_lock and the matching unlock", whatever contexts nest on its stack.
 *
 * Words: O.WORD = the grace-period sequence (gp_seq), O.OWNER = the number of agents; then per
 * agent: START (gp_seq + 1 when its outermost reader began, 0 outside a reader), DEPTH (its
 * rcu_read_lock nesting) and WAIT_GP (the grace period its synchronize_rcu waits for).
 *
 * synchronize_rcu starts grace period g = ++gp_seq and waits, as a sleeping wait the scheduler
 * sees, until no agent is in a reader that began at or before g: readers that begin later do
 * not hold it up, as in the kernel. After the agents' words come the call_rcu callbacks
 * waiting for their grace period (rcu-callbacks.ts), RCU_CB_MAX slots of CB_WORDS.
 */
import { CTX_MAX, RCU_CB_MAX } from './capacities.ts';
import type { KindInstance } from './object-kinds.ts';
import { O } from './object-words.ts';
import type { CpuRuntime } from './runtime.ts';
import { WAIT_KEY_SHIFT, waitKeyOf, waiterKey } from './wait.ts';
import type { LockWordOps } from './lock-words.ts';

const PER_AGENT = 3;
const START = 0;
const DEPTH = 1;
const WAIT_GP = 2;

/** Words of one waiting callback: its grace period (0: a free slot), cpu + 1, function id, argument, queue order. */
export const CB = { GP: 0, CPU: 1, FN: 2, ARG: 3, SEQ: 4, WORDS: 5 } as const;

export const rcuStateWords = (nagents: number): number => O.WORDS + PER_AGENT * nagents + RCU_CB_MAX * CB.WORDS;

export function resetRcuState(m: Int32Array, o: KindInstance): void {
  m.fill(0, o.offset, o.offset + o.words);
  m[o.offset + O.OWNER] = (o.words - O.WORDS - RCU_CB_MAX * CB.WORDS) / PER_AGENT;
}

const slot = (at: number, agent: number, field: number): number => at + O.WORDS + agent * PER_AGENT + field;

/** Word offset of callback slot k. */
export const cbSlot = (m: Int32Array, at: number, k: number): number =>
  at + O.WORDS + PER_AGENT * m[at + O.OWNER]! + k * CB.WORDS;

/** Is grace period g over: no agent in a reader that began at or before it? */
export function gracePeriodOver(m: Int32Array, at: number, g: number): boolean {
  const n = m[at + O.OWNER]!;
  for (let a = 0; a < n; a++) {
    const s = m[slot(at, a, START)]!;
    if (s !== 0 && s <= g) return false;
  }
  return true;
}

/** A synchronize_rcu() waiter may go on once every reader older than its grace period is over. */
export const rcuGpWords: LockWordOps = {
  canTake(m, at, flags) {
    const agent = Math.floor((waitKeyOf(flags) - 1) / CTX_MAX);
    return gracePeriodOver(m, at, m[slot(at, agent, WAIT_GP)]!);
  },
  take() {},
  release: () => true,
};

/** The RCU state object of this machine: its id and word offset. */
export function rcuState(rt: CpuRuntime): { id: number; at: number } {
  const info = rt.L.objectsByKey.get('rcu_state')![0]!;
  return { id: info.id, at: info.offset };
}

/** rcu_read_lock(): returns the new nesting depth. */
export function rcuReaderEnter(rt: CpuRuntime): number {
  const { at } = rcuState(rt);
  const m = rt.m;
  const d = m[slot(at, rt.agent, DEPTH)]! + 1;
  m[slot(at, rt.agent, DEPTH)] = d;
  if (d === 1) m[slot(at, rt.agent, START)] = m[at + O.WORD]! + 1;
  return d;
}

/** rcu_read_unlock(): returns the new depth, -1 when there was no reader to end. */
export function rcuReaderExit(rt: CpuRuntime): number {
  const { at } = rcuState(rt);
  const m = rt.m;
  const d = m[slot(at, rt.agent, DEPTH)]!;
  if (d === 0) return -1;
  m[slot(at, rt.agent, DEPTH)] = d - 1;
  if (d === 1) m[slot(at, rt.agent, START)] = 0;
  return d - 1;
}

/** rcu_read_lock nesting of this agent (0: not in a reader). */
export function rcuDepth(rt: CpuRuntime): number {
  return rt.m[slot(rcuState(rt).at, rt.agent, DEPTH)]!;
}

/**
 * Start a grace period for this agent's synchronize_rcu: returns the wait flags (its waiter
 * key) under which waitUntil() lets it go once the grace period is over.
 */
export function startGracePeriod(rt: CpuRuntime): number {
  const { at } = rcuState(rt);
  rt.m[slot(at, rt.agent, WAIT_GP)] = newGracePeriod(rt.m, at);
  return waiterKey(rt.agent, rt.depth() - 1) << WAIT_KEY_SHIFT;
}

/** gp_seq moves on: the new grace period, which every reader begun so far holds up. */
export function newGracePeriod(m: Int32Array, at: number): number {
  const g = m[at + O.WORD]! + 1;
  m[at + O.WORD] = g;
  return g;
}
