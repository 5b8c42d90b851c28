/**
 * Work items and each CPU's kworker. schedule_work() queues a work item on the calling CPU's
 * queue; that CPU's kworker, an agent of its own on the CPU, takes queued items oldest first
 * and runs them in process context, where they may sleep, holding the work's lockdep map
 * ("(work_completion)(&w)") around the function as process_one_work() does.
 *
 * A work item's words: WORD = WORK_PENDING | WORK_RUNNING, OWNER = cpu+1 it is queued on,
 * AUX = the ticket that orders the queue. A queue's WORD counts the items pending on its CPU.
 */
import { Access } from '../sched/footprint.ts';
import { callHandler } from './agent-run.ts';
import { kfn, Op } from './events.ts';
import { H } from './layout.ts';
import { O, WORK_BUSY, WORK_PENDING, WORK_RUNNING } from './object-words.ts';
import { declaredFunctions, type DeclaredFunction } from './declared-functions.ts';
import type { CpuRuntime } from './runtime.ts';

const FN_WORK_RUN = kfn('process_one_work');
const FN_KWORKER = kfn('worker_thread');

/** work_busy(): the item is pending or running. */
export function workBusy(rt: CpuRuntime, obj: number): boolean {
  return (rt.m[rt.L.objects[obj]!.offset + O.WORD]! & WORK_BUSY) !== 0;
}

/** work_pending(): queued and not yet started. */
export function workPending(rt: CpuRuntime, obj: number): boolean {
  return (rt.m[rt.L.objects[obj]!.offset + O.WORD]! & WORK_PENDING) !== 0;
}

/** queue_work_on(): false when the item is pending already. */
export function queueWork(rt: CpuRuntime, obj: number, cpu: number): boolean {
  const m = rt.m;
  const at = rt.L.objects[obj]!.offset;
  const w = m[at + O.WORD]!;
  if (w & WORK_PENDING) return false;
  m[at + O.WORD] = w | WORK_PENDING;
  m[at + O.OWNER] = cpu + 1;
  m[at + O.AUX] = ticket(rt);
  const q = rt.L.objectsByKey.get('workqueue')![cpu]!.offset;
  m[q + O.WORD] = m[q + O.WORD]! + 1;
  return true;
}

/** The pending half of cancel_work(): take the item off its queue; false when it was not pending. */
export function cancelWork(rt: CpuRuntime, obj: number): boolean {
  const m = rt.m;
  const at = rt.L.objects[obj]!.offset;
  const w = m[at + O.WORD]!;
  if ((w & WORK_PENDING) === 0) return false;
  const q = rt.L.objectsByKey.get('workqueue')![m[at + O.OWNER]! - 1]!.offset;
  m[q + O.WORD] = m[q + O.WORD]! - 1;
  m[at + O.WORD] = w & ~WORK_PENDING;
  m[at + O.OWNER] = 0;
  return true;
}

/** Tickets order a queue: the event count grows within a trial. */
function ticket(rt: CpuRuntime): number {
  return rt.m[H.NEV]!;
}

const works = (rt: CpuRuntime): DeclaredFunction[] => declaredFunctions(rt, 'work');

/** worker_thread(): the kworker's life, waiting for work and running it (never returns). */
export function kworkerLoop(rt: CpuRuntime): never {
  const m = rt.m;
  const queue = rt.L.objectsByKey.get('workqueue')![rt.cpu]!;
  const mine = rt.cpu + 1;
  rt.emit(Op.TASK_START, -1, -1, 0, FN_KWORKER);
  for (;;) {
    // taking work changes the queue and the work item: dependent with everything
    rt.footprint(-1, Access.ANY);
    rt.waitUntil(queue.id, 0, -1);
    let next: DeclaredFunction | undefined;
    for (const w of works(rt)) {
      const at = w.info.offset;
      if ((m[at + O.WORD]! & WORK_PENDING) === 0 || m[at + O.OWNER] !== mine) continue;
      if (!next || m[at + O.AUX]! < m[next.info.offset + O.AUX]!) next = w;
    }
    if (!next) throw new Error(`kworker/${rt.cpu}: queue count and queued work disagree`);
    const at = next.info.offset;
    m[queue.offset + O.WORD] = m[queue.offset + O.WORD]! - 1;
    m[at + O.WORD] = (m[at + O.WORD]! & ~WORK_PENDING) | WORK_RUNNING;
    m[at + O.OWNER] = 0;
    rt.point();
    rt.emit(Op.MARK, next.info.id, 0, 0, FN_WORK_RUN);
    rt.locks.acquired(next.info.id, 0, FN_WORK_RUN, true);
    callHandler(rt, () => next.fn(rt.state), `work ${next.info.name}`);
    rt.release(next.info.id, 0, FN_WORK_RUN);
    m[at + O.WORD] = m[at + O.WORD]! & ~WORK_RUNNING;
    rt.emit(Op.MARK, next.info.id, 1, 0, FN_WORK_RUN); // F_A 1: done (what flush_work waits for)
  }
}
