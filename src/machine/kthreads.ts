/**
 * Kernel threads (kernel/kthread.c). Each entry of the scenario's `kthreads` is an agent of its
 * own, idle (not runnable) until kthread_run() starts it in process context with its pid (or
 * kthread_create() makes it and its first wake_up_process() starts it). Its
 * function runs once; kthread_stop() sets KTHREAD_SHOULD_STOP, wakes it and waits for it to
 * return, and gets its exit code. A thread asked to stop before it ever ran does not run its
 * function at all and exits with -EINTR, as kthread() does.
 *
 * The object's words (object-words.ts): WORD = KTHREAD_* bits, AUX = the exit code.
 */
import { Access } from '../sched/footprint.ts';
import { ControlFlow } from './control-flow.ts';
import { Ctx, Op, kfn } from './events.ts';
import { C, CX, H, type ObjectInfo } from './layout.ts';
import { KTHREAD_CREATED, KTHREAD_EXITED, KTHREAD_SHOULD_STOP, KTHREAD_STARTED, O } from './object-words.ts';
import type { CpuRuntime } from './runtime.ts';

const FN_KTHREAD = kfn('kthread');
const EINTR = 4;

/** The life word of kthreads entry k. */
export function kthreadObject(rt: CpuRuntime, k: number): ObjectInfo {
  return rt.L.objectsByKey.get('kthread')![k]!;
}

/** kthreads entry k's word. */
export function kthreadWord(rt: CpuRuntime, k: number): number {
  return rt.m[kthreadObject(rt, k).offset + O.WORD]!;
}

/**
 * The first wake-up of a thread kthread_create() made (kthread_run() makes and wakes at once):
 * entry k's agent gets its process context and becomes runnable (counted live, so the trial
 * waits for it). `fn` is the waker's call, whose MARK orders what the waker did so far before
 * the thread's first step; none when the thread will not run its function (kthread_stop()).
 * False when the thread is not waiting for this wake-up.
 */
export function wakeUpNewKthread(rt: CpuRuntime, k: number, fn?: number): boolean {
  const m = rt.m;
  const L = rt.L;
  const obj = kthreadObject(rt, k);
  if (!kthreadWaitsForWakeUp(rt, k)) return false;
  m[obj.offset + O.WORD] = KTHREAD_STARTED;
  const agent = L.kthreads[k]!.agent;
  const e = L.ctxEntry(agent, 0);
  m[e + CX.KIND] = Ctx.TASK;
  m[e + CX.TID] = L.agents[agent]!.pid!;
  m[e + CX.NR] = 0;
  m[e + CX.WAIT_OBJ] = -1;
  m[e + CX.WAIT_FLAGS] = 0;
  m[e + CX.WAIT_SEQ] = -1;
  m[L.agentBlock(agent) + C.NCTX] = 1;
  m[H.LIVE] = m[H.LIVE]! + 1;
  if (fn !== undefined) rt.emit(Op.MARK, obj.id, 0, 0, fn);
  return true;
}

/** kthread_create()'s machine side: entry k exists, not runnable until woken. False when it was made already this trial. */
export function createKthread(rt: CpuRuntime, k: number): boolean {
  const at = kthreadObject(rt, k).offset;
  if (rt.m[at + O.WORD] !== 0) return false;
  rt.m[at + O.WORD] = KTHREAD_CREATED;
  return true;
}

/** Made by kthread_create() and not yet woken. */
function kthreadWaitsForWakeUp(rt: CpuRuntime, k: number): boolean {
  return (kthreadWord(rt, k) & (KTHREAD_CREATED | KTHREAD_STARTED)) === KTHREAD_CREATED;
}

/** kthread_stop()'s first half: KTHREAD_SHOULD_STOP set. */
export function askKthreadToStop(rt: CpuRuntime, k: number): void {
  const at = kthreadObject(rt, k).offset;
  rt.m[at + O.WORD] = rt.m[at + O.WORD]! | KTHREAD_SHOULD_STOP;
}

/** The exit code of a thread that has exited. */
export function kthreadExitCode(rt: CpuRuntime, k: number): number {
  return rt.m[kthreadObject(rt, k).offset + O.AUX]!;
}

/**
 * kthread(): the thread's life on its own agent, up to its exit; the task's end (TASK_END,
 * the live count) is agent-run.ts's, as for any task.
 */
export function runKthread(rt: CpuRuntime): void {
  const k = rt.L.agents[rt.agent]!.kthread!;
  const name = rt.L.kthreads[k]!.name;
  const obj = kthreadObject(rt, k);
  const m = rt.m;
  rt.emit(Op.TASK_START, -1, -1, 0, FN_KTHREAD);
  // what kthread_run's caller did before it happens before the thread's first step
  rt.emit(Op.MARK, obj.id, 0, 0, FN_KTHREAD);
  let ret = -EINTR;
  if ((m[obj.offset + O.WORD]! & KTHREAD_SHOULD_STOP) === 0) {
    const fn = rt.def.kthreads![name]!;
    try {
      const r = fn(rt.state);
      ret = r === undefined ? 0 : Number(r) | 0;
    } catch (e) {
      if (e instanceof ControlFlow) throw e;
      rt.fail(e, `kthread ${name}`);
    }
  }
  // do_exit(): the exit code is kept for kthread_stop, which now may return
  rt.point(obj.id, Access.WRITE);
  m[obj.offset + O.AUX] = ret;
  m[obj.offset + O.WORD] = m[obj.offset + O.WORD]! | KTHREAD_EXITED;
  rt.emit(Op.MARK, obj.id, 1, ret, FN_KTHREAD);
}
