/**
 * Work items: deferred work that runs in process context on a CPU's kworker, so it may sleep
 * (unlike a tasklet, which runs in softirq context). The classic fix for "I need to sleep, but
 * I am in an interrupt handler": queue a work item and do the sleeping part there.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import { queueWork, workBusy } from '../machine/workqueue.ts';
import { enterOn, enterSleepingOn } from './sleep.ts';
import type { KObject } from './objects.ts';

export type Work = KObject & { readonly __kind: 'work' };

/** Declare a work item (DECLARE_WORK / INIT_WORK): `fn(state)` runs on a kworker. */
export function work(fn: (state: any) => unknown): ObjectDecl<Work> {
  if (typeof fn !== 'function') throw new Error('work(fn): fn must be a function');
  return { __smpsim: 'decl', kind: 'work', init: 0, count: 1, array: false, fn };
}

/** Queue the work on this CPU's kworker; false when it was pending already. Never sleeps. */
export function schedule_work(w: Work): boolean {
  const [rt, id] = enterOn('schedule_work', w, Access.ANY);
  const queued = queueWork(rt, id, rt.cpu);
  rt.emit(Op.MARK, id, queued ? 1 : 0, 0, kfn('schedule_work'));
  return queued;
}

/** Wait until the work is neither pending nor running; true when it had to wait. May sleep. */
export function flush_work(w: Work): boolean {
  const [rt, id] = enterSleepingOn('flush_work', w, Access.ANY);
  const busy = workBusy(rt, id);
  if (busy) rt.waitUntil(id, 0, rt.emit(Op.BLOCK, id, 0, 0, kfn('flush_work')));
  // the work's last run is over: what it did is ordered before what follows
  rt.emit(Op.MARK, id, busy ? 1 : 0, 0, kfn('flush_work'));
  return busy;
}
