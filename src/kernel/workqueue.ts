/**
 * Work items: deferred work that runs in process context on a CPU's kworker, so it may sleep
 * (unlike a tasklet, which runs in softirq context). The classic fix for "I need to sleep, but
 * I am in an interrupt handler": queue a work item and do the sleeping part there.
 *
 * Lockdep sees each work item as a map, "(work_completion)(&w)", as kernel/workqueue.c does:
 * process_one_work() holds it around the work function, and flush_work() and
 * cancel_work_sync() take and drop it before they wait (as __flush_work() did through v6.9,
 * whether or not the work is busy). So flushing or cancelling a work while holding a lock its
 * function takes is a circular dependency on the first run that has done both, deadlock or not.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { KernelUsageError } from '../machine/usage-error.ts';
import { cancelWork, queueWork, workBusy, workPending } from '../machine/workqueue.ts';
import { thisCpu } from './cpu.ts';
import { enterOn, enterSleepingOn } from './sleep.ts';
import type { KObject } from './objects.ts';

export type Work = KObject & { readonly __kind: 'work' };

/** Declare a work item (DECLARE_WORK / INIT_WORK): `fn(state)` runs on a kworker. */
export function work(fn: (state: any) => unknown): ObjectDecl<Work> {
  if (typeof fn !== 'function') throw new Error('work(fn): fn must be a function');
  return { __smpsim: 'decl', kind: 'work', init: 0, count: 1, array: false, fn };
}

/**
 * A system workqueue. Every one of them runs its work on the queueing CPU's kworker here
 * (system_unbound_wq included): which queue only names the kernel's choice.
 */
export interface WorkqueueStruct {
  readonly __workqueue: string;
}
const wq = (name: string): WorkqueueStruct => Object.freeze({ __workqueue: name });
export const system_wq = wq('events');
export const system_highpri_wq = wq('events_highpri');
export const system_long_wq = wq('events_long');
export const system_unbound_wq = wq('events_unbound');
export const system_freezable_wq = wq('events_freezable');
const SYSTEM_WQS = new Set([system_wq, system_highpri_wq, system_long_wq, system_unbound_wq, system_freezable_wq]);

function checkWq(name: string, q: WorkqueueStruct): void {
  if (!SYSTEM_WQS.has(q))
    throw new KernelUsageError(
      `${name}(): the workqueue must be one of system_wq, system_highpri_wq, system_long_wq, system_unbound_wq, system_freezable_wq`,
    );
}

function queueOn(name: string, w: Work, cpu: number | undefined): boolean {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, w, Access.ANY);
  const target = cpu ?? rt.cpu;
  if (!Number.isInteger(target) || target < 0 || target >= rt.L.ncpus)
    throw new KernelUsageError(`${name}(${cpu}): not a CPU of this machine`);
  const queued = queueWork(rt, id, target);
  rt.emit(Op.MARK, id, queued ? 1 : 0, 0, kfn(name));
  return queued;
}

/** Queue the work on this CPU's kworker (system_wq); false when it was pending already. Never sleeps. */
export function schedule_work(w: Work): boolean {
  return queueOn('schedule_work', w, undefined);
}

/** queue_work(wq, work): on this CPU's kworker; false when it was pending already. Never sleeps. */
export function queue_work(q: WorkqueueStruct, w: Work): boolean {
  checkWq('queue_work', q);
  return queueOn('queue_work', w, undefined);
}

/** queue_work_on(cpu, wq, work): on that CPU's kworker; false when it was pending already. */
export function queue_work_on(cpu: number, q: WorkqueueStruct, w: Work): boolean {
  checkWq('queue_work_on', q);
  return queueOn('queue_work_on', w, cpu);
}

/** lock_map_acquire() + lock_map_release() of the work's map: "waits for the work" as an edge. */
function touchWorkMap(rt: CpuRuntime, id: number, fn: number): void {
  rt.locks.acquired(id, 0, fn, true);
  rt.release(id, 0, fn);
}

/** Wait, not enabled, until the work is neither pending nor running. */
function waitIdle(rt: CpuRuntime, id: number, fn: number): boolean {
  const busy = workBusy(rt, id);
  if (busy) rt.waitUntil(id, 0, rt.emit(Op.BLOCK, id, 0, 0, fn));
  return busy;
}

/** Wait until the work is neither pending nor running; true when it had to wait. May sleep. */
export function flush_work(w: Work): boolean {
  const rt = thisCpu('flush_work');
  const id = enterSleepingOn(rt, 'flush_work', w, Access.ANY);
  const fn = kfn('flush_work');
  touchWorkMap(rt, id, fn);
  const busy = waitIdle(rt, id, fn);
  // the work's last run is over: what it did is ordered before what follows
  rt.emit(Op.MARK, id, busy ? 1 : 0, 0, fn);
  return busy;
}

/** Take the work off its queue if pending; true when it was. A running instance goes on. Never sleeps. */
export function cancel_work(w: Work): boolean {
  const rt = thisCpu('cancel_work');
  const id = enterOn(rt, 'cancel_work', w, Access.ANY);
  const was = cancelWork(rt, id);
  rt.emit(Op.MARK, id, was ? 1 : 0, 0, kfn('cancel_work'));
  return was;
}

/** Take the work off its queue and wait for a running instance; true when it was pending. May sleep. */
export function cancel_work_sync(w: Work): boolean {
  const rt = thisCpu('cancel_work_sync');
  const id = enterSleepingOn(rt, 'cancel_work_sync', w, Access.ANY);
  const fn = kfn('cancel_work_sync');
  const was = cancelWork(rt, id);
  touchWorkMap(rt, id, fn);
  waitIdle(rt, id, fn);
  rt.emit(Op.MARK, id, was ? 1 : 0, 0, fn);
  return was;
}

/** work_pending(): queued and not yet started. */
export function work_pending(w: Work): boolean {
  const rt = thisCpu('work_pending');
  const id = enterOn(rt, 'work_pending', w, Access.READ);
  return workPending(rt, id);
}
