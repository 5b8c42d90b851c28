/**
 * RCU (include/linux/rcupdate.h), non-preemptible flavour: rcu_read_lock() disables preemption
 * (the _bh form bottom halves), so sleeping in a reader is sleeping in atomic context.
 * synchronize_rcu() sleeps until every reader that began before it has ended: a wait the
 * scheduler sees, so the interleavings around the grace period are explored. Pointers are
 * `shared` cells holding kmalloc handles: rcu_assign_pointer publishes with release ordering,
 * rcu_dereference reads with the dependency ordering a reader relies on.
 *
 * call_rcu(p, fn) and kfree_rcu(p) do not wait: fn(state, p) (or kfree(p)) runs after a grace
 * period, in RCU_SOFTIRQ on the calling CPU (machine/rcu-callbacks.ts).
 *
 * CONFIG_PROVE_RCU: rcu_dereference() outside any reader or lock, rcu_dereference_protected()
 * whose condition is false, and synchronize_rcu() inside a reader each leave an RCU_WARN event
 * ("suspicious RCU usage").
 */
import { Op, PREEMPT_OFFSET, RcuWarning, SOFTIRQ_NR, kfn } from '../machine/events.ts';
import type { KPtr } from './kobj.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { Access } from '../sched/footprint.ts';
import { rcuDepth, rcuGpWords, rcuReaderEnter, rcuReaderExit, rcuState, startGracePeriod } from '../machine/rcu.ts';
import { KFREE_RCU_FN, queueRcuCallback, rcuCallbacksReady } from '../machine/rcu-callbacks.ts';
import { thisCpu } from './cpu.ts';
import { bhDisable, bhEnable } from './irqflags.ts';
import { mightSleep } from './sleep.ts';
import { checkKind, type Shared } from './objects.ts';
import { lastReadFrom, load as loadWord, markedStore, store } from './memory-access.ts';

type Flavour = 'preempt' | 'bh';

function readLock(name: string, flavour: Flavour): void {
  const rt = thisCpu(name);
  rt.point();
  const fn = kfn(name);
  if (flavour === 'bh') bhDisable(rt, fn);
  else {
    rt.preemptAdd(PREEMPT_OFFSET);
    rt.emit(Op.PREEMPT_DISABLE, -1, 0, 0, fn);
  }
  rt.emit(Op.RCU_READ_LOCK, -1, rcuReaderEnter(rt), 0, fn);
}

function readUnlock(name: string, flavour: Flavour): void {
  const rt = thisCpu(name);
  rt.point();
  const fn = kfn(name);
  const depth = rcuReaderExit(rt);
  if (depth < 0) throw new Error(`${name}(): not inside an RCU read-side critical section`);
  rt.emit(Op.RCU_READ_UNLOCK, -1, depth, 0, fn);
  if (depth === 0) rcuCallbacksReady(rt);
  if (flavour === 'bh') bhEnable(rt, fn);
  else {
    rt.preemptAdd(-PREEMPT_OFFSET);
    rt.emit(Op.PREEMPT_ENABLE, -1, 0, 0, fn);
  }
}

export const rcu_read_lock = (): void => readLock('rcu_read_lock', 'preempt');
export const rcu_read_unlock = (): void => readUnlock('rcu_read_unlock', 'preempt');
export const rcu_read_lock_bh = (): void => readLock('rcu_read_lock_bh', 'bh');
export const rcu_read_unlock_bh = (): void => readUnlock('rcu_read_unlock_bh', 'bh');
export const rcu_read_lock_sched = (): void => readLock('rcu_read_lock_sched', 'preempt');
export const rcu_read_unlock_sched = (): void => readUnlock('rcu_read_unlock_sched', 'preempt');

/** RCU_LOCKDEP_WARN(): the warning, with the call site; the call goes on. */
function rcuWarn(rt: CpuRuntime, what: number, fn: number): void {
  rt.emit(Op.RCU_WARN, -1, what, rt.siteId(), fn);
}

/** Wait for a grace period: every reader that began before this call has ended. May sleep. */
export const synchronize_rcu = (): void => synchronize('synchronize_rcu');
/** The same grace period, forced through faster in the kernel: the same wait here. */
export const synchronize_rcu_expedited = (): void => synchronize('synchronize_rcu_expedited');

function synchronize(name: string): void {
  const rt = thisCpu(name);
  rt.point();
  const fn = kfn(name);
  mightSleep(rt, fn);
  if (rcuDepth(rt) > 0) rcuWarn(rt, RcuWarning.SYNCHRONIZE_IN_READER, fn);
  const flags = startGracePeriod(rt);
  const { id, at } = rcuState(rt);
  if (!rcuGpWords.canTake(rt.m, at, flags)) {
    const atomic = rt.preemptCount() !== 0;
    rt.waitUntil(id, flags, rt.emit(Op.BLOCK, id, atomic ? rt.siteId() : 0, 0, fn));
  }
  // the grace period is over: the readers before it are ordered before what follows
  rt.emit(Op.MARK, id, 0, 0, fn);
}

/** Publish `v` (a pointer) in `p`: everything written before is visible to a reader that sees it. */
export function rcu_assign_pointer(p: Shared, v: number | null): void {
  const rt = thisCpu('rcu_assign_pointer');
  checkKind(rt, p, 'rcu_assign_pointer');
  rt.point();
  // a release store: everything written before is visible first (memory-access.ts)
  const old = store(rt, p.__id, p.__at, v ?? 0, true);
  rt.emit(Op.MEM_WRITE_ONCE, p.__id, (v ?? 0) | 0, old, kfn('rcu_assign_pointer'));
}

function load(name: string, p: Shared, check: (rt: CpuRuntime) => number): number {
  const rt = thisCpu(name);
  checkKind(rt, p, name);
  rt.point();
  const fn = kfn(name);
  const warn = check(rt);
  if (warn) rcuWarn(rt, warn, fn);
  // the dependency ordering of rcu_dereference is modelled as an acquire (a stronger order)
  const v = loadWord(rt, p.__id, p.__at, name !== 'rcu_access_pointer');
  rt.emit(Op.MEM_READ_ONCE, p.__id, v, lastReadFrom, fn);
  return v;
}

/** A reader's load of an RCU pointer: legal inside a read-side critical section (or under a lock). */
export const rcu_dereference = (p: Shared): number =>
  load('rcu_dereference', p, (rt) => (rcuDepth(rt) > 0 || rt.heldCount() > 0 ? 0 : RcuWarning.DEREFERENCE));

/** The update side's load, under the lock `c` says is held (lockdep_is_held(&lock)). */
export const rcu_dereference_protected = (p: Shared, c: boolean): number =>
  load('rcu_dereference_protected', p, () => (c ? 0 : RcuWarning.DEREFERENCE_PROTECTED));

/** A load legal inside a reader or where `c` says (lockdep_is_held(&lock)): rcu_dereference_check(). */
export const rcu_dereference_check = (p: Shared, c: unknown): number =>
  load('rcu_dereference_check', p, (rt) => (c || rcuDepth(rt) > 0 ? 0 : RcuWarning.DEREFERENCE));

/** Inside an RCU read-side critical section (of any flavour). */
export function rcu_read_lock_held(): boolean {
  return rcuDepth(thisCpu('rcu_read_lock_held')) > 0;
}

/**
 * RCU_INIT_POINTER(): store without the publishing barrier, for NULL or for a pointer no reader
 * can reach yet; a marked store, ordering nothing.
 */
export function RCU_INIT_POINTER(p: Shared, v: number | null): void {
  const rt = thisCpu('RCU_INIT_POINTER');
  checkKind(rt, p, 'RCU_INIT_POINTER');
  markedStore(rt, p.__id, p.__at, v ?? 0, kfn('RCU_INIT_POINTER'));
}

/** The pointer's value, not to be dereferenced (a NULL test): no protection needed. */
export const rcu_access_pointer = (p: Shared): number => load('rcu_access_pointer', p, () => 0);

function queue(name: string, p: KPtr, fn: number): void {
  const rt = thisCpu(name);
  rt.point(rcuState(rt).id, Access.WRITE);
  const g = queueRcuCallback(rt, name, fn, p ?? 0);
  // the MARK a raise_softirq leaves: what was done before happens before the callback's run
  rt.emit(Op.MARK, -1, SOFTIRQ_NR.RCU_SOFTIRQ, g, kfn(name));
}

/**
 * Queue `fn(state, p)` to run after a grace period, in softirq context on this CPU. `fn` must be
 * declared in the scenario (`handlers: { ... }`, or a function in `state`) so that every CPU can
 * run it. Never sleeps; any context.
 */
export function call_rcu(p: KPtr, fn: (state: any, p: number) => unknown): void {
  const rt = thisCpu('call_rcu');
  const id = rt.actions.fnId(fn);
  if (id === 0)
    throw new Error(
      'call_rcu(): the callback must be declared in the scenario (handlers: { ... }) so that every CPU can run it',
    );
  queue('call_rcu', p, id);
}

/** kfree(p) after a grace period (the two-argument kfree_rcu(ptr, rhf): never sleeps). */
export function kfree_rcu(p: KPtr, _rcu_head?: string): void {
  if (p === null || p === undefined || p === 0) return;
  queue('kfree_rcu', p, KFREE_RCU_FN);
}
