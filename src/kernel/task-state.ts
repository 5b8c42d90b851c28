/**
 * Task states and the scheduler's sleep (include/linux/sched.h, kernel/sched/core.c):
 * set_current_state() before testing the condition, schedule() to sleep, wake_up_process()
 * from the waker. schedule() sleeps only while the task's state is not TASK_RUNNING, and a
 * wake-up sets it back to running whether or not the task has reached schedule() yet, exactly
 * as try_to_wake_up() does; so testing the condition *before* set_current_state() loses a
 * wake-up that lands in between, and the task sleeps forever (a hung task).
 *
 * The sleep is the task state's acquisition (its words: lock-words.ts taskStateWords), so a
 * wake-up is a happens-before edge, and timeouts and signals are scheduler choices as for
 * down_timeout().
 */
import { kfn } from '../machine/events.ts';
import { wakeUpNewKthread } from '../machine/kthreads.ts';
import { WAIT_SIGNAL, WAIT_TIMEOUT } from '../machine/wait.ts';
import { setTaskState, taskState, taskStateId } from '../machine/wait-queue.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';
import { enterSleeping } from './sleep.ts';

export const TASK_RUNNING = 0;
export const TASK_INTERRUPTIBLE = 1;
export const TASK_UNINTERRUPTIBLE = 2;

/** A task, as `current` and wake_up_process() see it. */
export interface TaskStruct {
  readonly pid: number;
  readonly comm: string;
  /** the agent that runs it */
  readonly __agent: number;
}

function checkState(state: number, fn: string): number {
  if (state !== TASK_RUNNING && state !== TASK_INTERRUPTIBLE && state !== TASK_UNINTERRUPTIBLE) {
    throw new Error(`${fn}(): state must be TASK_RUNNING, TASK_INTERRUPTIBLE or TASK_UNINTERRUPTIBLE`);
  }
  return state;
}

/** The task the calling code runs on behalf of. */
export function current(): TaskStruct {
  const rt = thisCpu('current');
  const pid = rt.pid();
  return Object.freeze({ pid, comm: rt.L.comm(pid, rt.cpu), __agent: rt.agent });
}

/** The task with this pid (a scenario task's or a kworker's), or undefined. */
export function find_task_by_vpid(pid: number): TaskStruct | undefined {
  const rt = thisCpu('find_task_by_vpid');
  const agent = rt.L.tasks.find((t) => t.pid === pid)?.agent ?? rt.L.agentOfPid(pid);
  return agent === undefined ? undefined : Object.freeze({ pid, comm: rt.L.taskName(pid), __agent: agent });
}

/** Set the caller's state, with a full barrier (smp_store_mb). */
export function set_current_state(state: number): void {
  const rt = thisCpu('set_current_state');
  checkState(state, 'set_current_state');
  rt.point();
  setTaskState(rt, state, kfn('set_current_state'));
}

/** Set the caller's state, no barrier: for setting it back to TASK_RUNNING. */
export function __set_current_state(state: number): void {
  const rt = thisCpu('__set_current_state');
  checkState(state, '__set_current_state');
  rt.point();
  setTaskState(rt, state, kfn('__set_current_state'));
}

/**
 * Sleep while the caller's state is not TASK_RUNNING. `waitMode` lets a timeout or a signal
 * end the sleep (a scheduler choice): then the result is false and the state is set back to
 * running, as schedule_timeout() and signal_pending() leave it.
 */
export function sleepOnTaskState(rt: CpuRuntime, fn: number, waitMode = 0, timeout = 0): boolean {
  const id = taskStateId(rt, rt.agent);
  if (waitMode === WAIT_SIGNAL && (taskState(rt, rt.agent) !== TASK_INTERRUPTIBLE || !rt.def.faults?.signals))
    waitMode = 0;
  const woken = rt.acquire(id, 0, fn, waitMode, (rt.jiffies() + timeout) | 0);
  if (!woken) setTaskState(rt, TASK_RUNNING, fn);
  return woken;
}

/**
 * schedule(): with the state still TASK_RUNNING, the task only yields the CPU for a while;
 * otherwise it sleeps until woken.
 */
export function schedule(): void {
  const rt = enterSleeping('schedule');
  if (taskState(rt, rt.agent) === TASK_RUNNING) {
    rt.block(-1, kfn('schedule'));
    rt.point();
    return;
  }
  sleepOnTaskState(rt, kfn('schedule'));
}

/** schedule_timeout(): the jiffies left (0 when the whole timeout elapsed). */
export function schedule_timeout(timeout: number): number {
  const rt = enterSleeping('schedule_timeout');
  const t = Math.max(0, timeout | 0);
  if (taskState(rt, rt.agent) === TASK_RUNNING) {
    rt.block(-1, kfn('schedule_timeout'));
    rt.advanceJiffies(t);
    rt.point();
    return 0;
  }
  return sleepOnTaskState(rt, kfn('schedule_timeout'), WAIT_TIMEOUT, t) ? Math.max(1, t) : 0;
}

/** __set_current_state(TASK_INTERRUPTIBLE) then schedule_timeout(): the jiffies left. */
export function schedule_timeout_interruptible(timeout: number): number {
  __set_current_state(TASK_INTERRUPTIBLE);
  return schedule_timeout(timeout);
}

/** __set_current_state(TASK_UNINTERRUPTIBLE) then schedule_timeout(): the jiffies left. */
export function schedule_timeout_uninterruptible(timeout: number): number {
  __set_current_state(TASK_UNINTERRUPTIBLE);
  return schedule_timeout(timeout);
}

/** Wake agent `agent`'s task: 1 when it was not running, 0 when it already was. */
export function wakeTask(rt: CpuRuntime, agent: number, fn: number): number {
  const was = taskState(rt, agent);
  rt.release(taskStateId(rt, agent), 0, fn);
  return was !== TASK_RUNNING ? 1 : 0;
}

/** try_to_wake_up(): legal in any context. */
export function wake_up_process(task: TaskStruct): number {
  const rt = thisCpu('wake_up_process');
  if (!task || typeof task.__agent !== 'number')
    throw new Error('wake_up_process(): argument is not a task (take it from current())');
  rt.point();
  const fn = kfn('wake_up_process');
  // the first wake-up of a thread kthread_create() made starts it
  const k = rt.L.agents[task.__agent]?.kthread;
  if (k !== undefined && wakeUpNewKthread(rt, k, fn)) return 1;
  return wakeTask(rt, task.__agent, fn);
}
