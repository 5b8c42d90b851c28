/**
 * call_rcu() callbacks (kernel/rcu/tree.c): each is queued on the CPU that called call_rcu,
 * with a new grace period to wait for. Once every reader that began before it has ended (at
 * the call already, or at the rcu_read_unlock that ends the last such reader), RCU_SOFTIRQ is
 * raised on that CPU; when that softirq runs is the scheduler's choice, as any softirq run is.
 * rcu_core() then invokes that CPU's ready callbacks in the order they were queued, as
 * rcu_do_batch() does, in softirq context: a callback must not sleep, and a lock it shares with
 * process context must be taken there with _bh.
 *
 * A callback is a function the scenario declares (`handlers`, or a function in `state`), so
 * that whichever agent runs the softirq finds it by its id; function id 0 is kfree_rcu()'s
 * kfree of the argument.
 */
import { callHandler } from './agent-run.ts';
import { RCU_CB_MAX } from './capacities.ts';
import { Op, SOFTIRQ_NR, kfn } from './events.ts';
import { freeObject } from './heap.ts';
import { O } from './object-words.ts';
import { CB, cbSlot, gracePeriodOver, newGracePeriod, rcuState } from './rcu.ts';
import type { CpuRuntime } from './runtime.ts';
import { raiseSoftirq } from './softirq-raise.ts';

const RCU_SOFTIRQ = SOFTIRQ_NR.RCU_SOFTIRQ;
/** the function id of kfree_rcu()'s callback */
export const KFREE_RCU_FN = 0;
const FN_DO_BATCH = kfn('rcu_do_batch');
const FN_KFREE_RCU = kfn('kfree_rcu');

/** Queue callback `fn` (a declared function's id, or KFREE_RCU_FN) with `arg`; returns its grace period. */
export function queueRcuCallback(rt: CpuRuntime, name: string, fn: number, arg: number): number {
  const { at } = rcuState(rt);
  const m = rt.m;
  let k = 0;
  while (k < RCU_CB_MAX && m[cbSlot(m, at, k) + CB.GP] !== 0) k++;
  if (k === RCU_CB_MAX)
    throw new Error(`${name}(): more than ${RCU_CB_MAX} callbacks waiting for a grace period (RCU_CB_MAX)`);
  const s = cbSlot(m, at, k);
  const g = newGracePeriod(m, at);
  m[s + CB.GP] = g;
  m[s + CB.CPU] = rt.cpu + 1;
  m[s + CB.FN] = fn;
  m[s + CB.ARG] = arg | 0;
  m[s + CB.SEQ] = m[at + O.AUX] = m[at + O.AUX]! + 1;
  if (gracePeriodOver(m, at, g)) raiseSoftirq(rt, rt.cpu, RCU_SOFTIRQ);
  return g;
}

/** A reader ended: raise RCU_SOFTIRQ where callbacks' grace periods are now over. */
export function rcuCallbacksReady(rt: CpuRuntime): void {
  const { at } = rcuState(rt);
  const m = rt.m;
  for (let k = 0; k < RCU_CB_MAX; k++) {
    const s = cbSlot(m, at, k);
    const g = m[s + CB.GP]!;
    if (g !== 0 && gracePeriodOver(m, at, g)) raiseSoftirq(rt, m[s + CB.CPU]! - 1, RCU_SOFTIRQ);
  }
}

/** rcu_core(): invoke this CPU's callbacks whose grace period is over, oldest first. */
export function rcuCore(rt: CpuRuntime): void {
  const { at } = rcuState(rt);
  const m = rt.m;
  const ready: number[] = [];
  for (let k = 0; k < RCU_CB_MAX; k++) {
    const s = cbSlot(m, at, k);
    const g = m[s + CB.GP]!;
    if (g !== 0 && m[s + CB.CPU] === rt.cpu + 1 && gracePeriodOver(m, at, g)) ready.push(s);
  }
  ready.sort((a, b) => m[a + CB.SEQ]! - m[b + CB.SEQ]!);
  for (const s of ready) {
    // each invocation is a step of its own, touching the heap and rcu_state (DPOR: dependent with all)
    rt.point();
    const fn = m[s + CB.FN]!;
    const arg = m[s + CB.ARG]!;
    m.fill(0, s, s + CB.WORDS);
    rt.emit(Op.MARK, -1, fn, arg, FN_DO_BATCH);
    if (fn === KFREE_RCU_FN) {
      freeObject(rt, arg, FN_KFREE_RCU);
      continue;
    }
    const f = rt.actions.declared(fn)!;
    callHandler(rt, () => f(rt.state, arg), 'rcu callback');
  }
}
