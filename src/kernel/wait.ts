/**
 * Wait queues (include/linux/wait.h, kernel/sched/wait.c). The low-level pattern is
 * prepare_to_wait() (queue the task and set its state), test the condition, schedule(),
 * finish_wait(); the wait_event*() macros are that loop. wake_up*() set every queued task
 * whose state matches back to running and take it off the queue (autoremove_wake_function):
 * a wake_up() that comes before a task is queued wakes nobody, which is why the condition
 * must be tested after prepare_to_wait().
 *
 * Exclusive waiters (prepare_to_wait_exclusive(), wait_event_interruptible_exclusive()) queue
 * at the tail: wake_up() wakes every non-exclusive waiter and one exclusive one, so N waiters
 * for one resource do not all wake to find one of them got it (no thundering herd), and a
 * wake_up() that makes two of them able to go on still wakes only one.
 */
import { kfn } from '../machine/events.ts';
import { WAIT_SIGNAL, WAIT_TIMEOUT } from '../machine/wait.ts';
import { setTaskState, taskState, waitQueueAdd, waitQueueEntries, waitQueueRemove } from '../machine/wait-queue.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { decl } from './declare.ts';
import { ERESTARTSYS } from './errno.ts';
import type { KObject } from './objects.ts';
import { thisCpu } from './cpu.ts';
import { enterOn, enterSleepingOn } from './sleep.ts';
import { TASK_INTERRUPTIBLE, TASK_RUNNING, TASK_UNINTERRUPTIBLE, sleepOnTaskState, wakeTask } from './task-state.ts';
import type { ObjectDecl } from '../machine/declarations.ts';

export type WaitQueueHead = KObject & { readonly __kind: 'wait_queue_head' };

/** DECLARE_WAIT_QUEUE_HEAD: an empty wait queue. */
export const wait_queue_head = (): ObjectDecl<WaitQueueHead> => decl('wait_queue_head', 0, 1, false);
export const wait_queue_heads = (n: number): ObjectDecl<WaitQueueHead[]> => decl('wait_queue_head', 0, n, true);

/** init_waitqueue_head(): a declared head starts empty in every trial; a scheduling point. */
export function init_waitqueue_head(wq: WaitQueueHead): void {
  enterOn(thisCpu('init_waitqueue_head'), 'init_waitqueue_head', wq);
}

function prepare(rt: CpuRuntime, wq: number, state: number, fn: number, exclusive = false): void {
  waitQueueAdd(rt, wq, exclusive);
  setTaskState(rt, state, fn);
}

function finish(rt: CpuRuntime, wq: number, fn: number): void {
  setTaskState(rt, TASK_RUNNING, fn);
  waitQueueRemove(rt, wq, rt.agent);
}

export function prepare_to_wait(wq: WaitQueueHead, _wait: unknown, state: number): void {
  const rt = thisCpu('prepare_to_wait');
  const id = enterOn(rt, 'prepare_to_wait', wq);
  if (state !== TASK_INTERRUPTIBLE && state !== TASK_UNINTERRUPTIBLE)
    throw new Error('prepare_to_wait(): state must be TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE');
  prepare(rt, id, state, kfn('prepare_to_wait'));
}

/** prepare_to_wait() as an exclusive waiter: a wake_up() wakes only one of those. */
export function prepare_to_wait_exclusive(wq: WaitQueueHead, _wait: unknown, state: number): void {
  const rt = thisCpu('prepare_to_wait_exclusive');
  const id = enterOn(rt, 'prepare_to_wait_exclusive', wq);
  if (state !== TASK_INTERRUPTIBLE && state !== TASK_UNINTERRUPTIBLE)
    throw new Error('prepare_to_wait_exclusive(): state must be TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE');
  prepare(rt, id, state, kfn('prepare_to_wait_exclusive'), true);
}

export function finish_wait(wq: WaitQueueHead, _wait?: unknown): void {
  const rt = thisCpu('finish_wait');
  const id = enterOn(rt, 'finish_wait', wq);
  finish(rt, id, kfn('finish_wait'));
}

/**
 * The loop of every wait_event*(): returns true when the condition held, false when a
 * timeout or signal (per waitMode) ended a sleep first. `left` carries the jiffies remaining.
 */
function waitEvent(
  name: string,
  wq: WaitQueueHead,
  cond: () => unknown,
  state: number,
  waitMode: number,
  left: { j: number },
  exclusive = false,
): boolean {
  const rt = thisCpu(name);
  const id = enterSleepingOn(rt, name, wq);
  const fn = kfn(name);
  if (cond()) return true;
  for (;;) {
    prepare(rt, id, state, fn, exclusive);
    if (cond()) break;
    if (!sleepOnTaskState(rt, fn, waitMode, left.j)) {
      finish(rt, id, fn);
      return false;
    }
    rt.point();
  }
  finish(rt, id, fn);
  return true;
}

/** Sleep (TASK_UNINTERRUPTIBLE) until cond() is true; cond is tested after every wake-up. */
export function wait_event(wq: WaitQueueHead, cond: () => unknown): void {
  waitEvent('wait_event', wq, cond, TASK_UNINTERRUPTIBLE, 0, { j: 0 });
}

/** 0, or -ERESTARTSYS when a signal came first (scenarios opt in with faults.signals). */
export function wait_event_interruptible(wq: WaitQueueHead, cond: () => unknown): number {
  return waitEvent('wait_event_interruptible', wq, cond, TASK_INTERRUPTIBLE, WAIT_SIGNAL, { j: 0 }) ? 0 : -ERESTARTSYS;
}

/** As wait_event_interruptible(), queued as an exclusive waiter. */
export function wait_event_interruptible_exclusive(wq: WaitQueueHead, cond: () => unknown): number {
  return waitEvent('wait_event_interruptible_exclusive', wq, cond, TASK_INTERRUPTIBLE, WAIT_SIGNAL, { j: 0 }, true)
    ? 0
    : -ERESTARTSYS;
}

/**
 * The jiffies left (at least 1) when cond() became true, 0 when the timeout elapsed with it
 * still false; whether the timeout fires first is a scheduler choice.
 */
export function wait_event_timeout(wq: WaitQueueHead, cond: () => unknown, timeout: number): number {
  const left = { j: Math.max(0, timeout | 0) };
  if (waitEvent('wait_event_timeout', wq, cond, TASK_UNINTERRUPTIBLE, WAIT_TIMEOUT, left)) return Math.max(1, left.j);
  return cond() ? 1 : 0;
}

/**
 * Wake the tasks queued on wq whose state is in `states`, but no more than `nrExclusive`
 * exclusive waiters (0: all of them), as __wake_up_common(); legal in any context.
 */
function wakeUp(name: string, wq: WaitQueueHead, states: number[], nrExclusive: number): void {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, wq);
  const fn = kfn(name);
  let budget = nrExclusive;
  for (const { agent, exclusive } of waitQueueEntries(rt, id)) {
    if (exclusive && nrExclusive > 0 && budget === 0) continue;
    if (!states.includes(taskState(rt, agent))) continue;
    wakeTask(rt, agent, fn);
    waitQueueRemove(rt, id, agent);
    if (exclusive) budget--;
  }
}

/** Wakes every non-exclusive waiter and one exclusive waiter. */
export function wake_up(wq: WaitQueueHead): void {
  wakeUp('wake_up', wq, [TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE], 1);
}

/** Wakes every waiter, exclusive or not. */
export function wake_up_all(wq: WaitQueueHead): void {
  wakeUp('wake_up_all', wq, [TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE], 0);
}

/** Wakes only TASK_INTERRUPTIBLE sleepers (one of the exclusive ones). */
export function wake_up_interruptible(wq: WaitQueueHead): void {
  wakeUp('wake_up_interruptible', wq, [TASK_INTERRUPTIBLE], 1);
}

/** Is anyone queued on wq? (no barrier, as in the kernel) */
export function waitqueue_active(wq: WaitQueueHead): boolean {
  const rt = thisCpu('waitqueue_active');
  const id = enterOn(rt, 'waitqueue_active', wq);
  return waitQueueEntries(rt, id).length > 0;
}
