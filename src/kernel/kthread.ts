/**
 * Kernel threads (include/linux/kthread.h): kthread_run(), kthread_create(), kthread_should_stop(),
 * kthread_stop(). Each thread is an entry of the scenario's `kthreads`, by its comm, and runs
 * on an agent of its own in process context, so it may sleep; the classic loop is
 *
 *   while (!kthread_should_stop()) { ...; set_current_state(TASK_INTERRUPTIBLE); schedule(); }
 *
 * kthread_stop() sets should-stop, wakes the thread and sleeps until it has returned: a thread
 * that never looks at kthread_should_stop() and sleeps for good leaves its stopper hung, which
 * khungtaskd reports (hung-task).
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import {
  askKthreadToStop,
  createKthread,
  kthreadExitCode,
  kthreadObject,
  kthreadWord,
  wakeUpNewKthread,
} from '../machine/kthreads.ts';
import { KTHREAD_EXITED, KTHREAD_SHOULD_STOP } from '../machine/object-words.ts';
import { KernelUsageError } from '../machine/usage-error.ts';
import { thisCpu } from './cpu.ts';
import { mightSleep } from './sleep.ts';
import { wakeTask, type TaskStruct } from './task-state.ts';

/**
 * Start kthreads entry `fn` (declared in the scenario as `kthreads: { name: fn }`) and return
 * its task, for wake_up_process() and kthread_stop(). May sleep (it waits for kthreadd).
 */
export function kthread_run(fn: (state: any) => unknown, name: string): TaskStruct {
  const rt = enterAny('kthread_run');
  const k = declaredKthread(rt, 'kthread_run', fn, name);
  // kthread_create() and wake_up_process() at once, as the kernel's macro
  if (!createKthread(rt, k))
    throw new KernelUsageError(`kthread_run(fn): kthreads.${rt.L.kthreads[k]!.name} was already made in this trial`);
  wakeUpNewKthread(rt, k, kfn('kthread_run'));
  return taskOf(rt, k);
}

/**
 * kthread_create(): make the thread without starting it; wake_up_process(task) starts it (its
 * waker's past happens before its first step), and kthread_stop() of a thread never woken
 * returns -EINTR without running its function, as the kernel's.
 */
export function kthread_create(fn: (state: any) => unknown, name: string): TaskStruct {
  const rt = enterAny('kthread_create');
  const k = declaredKthread(rt, 'kthread_create', fn, name);
  if (!createKthread(rt, k))
    throw new KernelUsageError(`kthread_create(fn): kthreads.${rt.L.kthreads[k]!.name} was already made in this trial`);
  rt.emit(Op.MARK, kthreadObject(rt, k).id, 0, 0, kfn('kthread_create'));
  return taskOf(rt, k);
}

/** The kthreads entry that runs `fn`, declared under `name`; a usage error naming `call` if none. */
function declaredKthread(rt: ReturnType<typeof thisCpu>, call: string, fn: unknown, name: string | undefined): number {
  const k = Object.values(rt.def.kthreads ?? {}).indexOf(fn as (state: any) => unknown);
  const entry = rt.L.kthreads[k];
  if (!entry)
    throw new KernelUsageError(
      `${call}(fn): fn must be declared in the scenario (kthreads: { name: fn }) so that its thread can run it`,
    );
  if (name !== undefined && name !== entry.name)
    throw new KernelUsageError(`${call}(fn, "${name}"): the scenario declares this thread as kthreads.${entry.name}`);
  return k;
}

function taskOf(rt: ReturnType<typeof thisCpu>, k: number): TaskStruct {
  const entry = rt.L.kthreads[k]!;
  return Object.freeze({ pid: rt.L.agents[entry.agent]!.pid!, comm: entry.name, __agent: entry.agent });
}

/**
 * A call that may sleep and changes which agents can run (a thread starts, or is woken to
 * stop): its scheduling point is dependent with everything, for DPOR.
 */
function enterAny(name: string): ReturnType<typeof thisCpu> {
  const rt = thisCpu(name);
  rt.point();
  mightSleep(rt, kfn(name));
  return rt;
}

/** The kthreads entry the calling agent runs, or a usage error naming the call. */
function ownKthread(rt: ReturnType<typeof thisCpu>, call: string): number {
  const k = rt.L.agents[rt.agent]!.kthread;
  if (k === undefined) throw new KernelUsageError(`${call}() called outside a kthread`);
  return k;
}

/** True once kthread_stop() has been called for the calling thread. */
export function kthread_should_stop(): boolean {
  const rt = thisCpu('kthread_should_stop');
  const k = ownKthread(rt, 'kthread_should_stop');
  rt.point(kthreadObject(rt, k).id, Access.READ);
  return (kthreadWord(rt, k) & KTHREAD_SHOULD_STOP) !== 0;
}

/**
 * Ask the thread to stop, wake it, and sleep until it has returned; its return value (-EINTR
 * when it was stopped before it ever ran).
 */
export function kthread_stop(task: TaskStruct): number {
  const rt = enterAny('kthread_stop');
  const k = task && typeof task.__agent === 'number' ? rt.L.agents[task.__agent]?.kthread : undefined;
  if (k === undefined)
    throw new KernelUsageError('kthread_stop(): argument is not a kthread (take it from kthread_run())');
  const obj = kthreadObject(rt, k);
  // made and never woken: it starts now, sees should-stop at once and exits with -EINTR
  wakeUpNewKthread(rt, k);
  askKthreadToStop(rt, k);
  rt.emit(Op.MARK, obj.id, 1, 0, kfn('kthread_stop'));
  wakeTask(rt, task.__agent, kfn('kthread_stop'));
  if ((kthreadWord(rt, k) & KTHREAD_EXITED) === 0)
    rt.waitUntil(obj.id, 0, rt.emit(Op.BLOCK, obj.id, 0, 0, kfn('kthread_stop')));
  // its exit happens before what follows (F_A 2: the stop is complete)
  rt.emit(Op.MARK, obj.id, 2, 0, kfn('kthread_stop'));
  return kthreadExitCode(rt, k);
}
