/**
 * request_irq / request_threaded_irq / free_irq / synchronize_irq (include/linux/interrupt.h).
 * All may sleep; free_irq returns only once no handler of the line runs anywhere, its thread
 * function included, so the handler's data may be freed. A line shares only when every action
 * on it, the new one included, has IRQF_SHARED, and a shared action needs a dev_id no other
 * action on the line has. A line with no action is masked: it is never delivered. Handlers must
 * be declared in the scenario (`handlers: { ... }`) so that every CPU can run them; each is
 * called as handler(state, irq, dev_id), and so is a thread_fn, in the line's irq thread.
 */
import { Op, WarnReason, kfn } from '../machine/events.ts';
import { DEFAULT_PRIMARY } from '../machine/irq-actions.ts';
import { IRQF_ONESHOT, irqThreadObject } from '../machine/irq-thread.ts';
import { disableLine, enableLine, lineActive } from '../machine/irq-lines.ts';
import { EBUSY, EINVAL } from './errno.ts';
import { enterSleeping, mightSleep } from './sleep.ts';
import { thisCpu } from './cpu.ts';
import { KernelUsageError } from '../machine/usage-error.ts';
import type { CpuRuntime } from '../machine/runtime.ts';

export { IRQF_ONESHOT };
export const IRQF_SHARED = 0x80;
export const IRQF_PROBE_SHARED = 0x100;
export const IRQF_NO_SUSPEND = 0x4000;
export const IRQF_NO_THREAD = 0x10000;

type IrqHandlerFn = (state: any, irq: number, dev_id: any) => unknown;

/** 0, -EBUSY (line taken, not shared by both), or -EINVAL (no such line, bad dev_id). */
export function request_irq(
  irq: number,
  handler: IrqHandlerFn,
  flags: number,
  devname: string,
  dev_id: unknown,
): number {
  const rt = enterSleeping('request_irq');
  return setupIrq(rt, irq, handler, null, flags, devname, dev_id, 'request_irq');
}

/**
 * request_threaded_irq(): `handler` runs in hardirq context and returns IRQ_WAKE_THREAD to have
 * `thread_fn` run in the line's irq thread (process context: it may sleep). A null handler is
 * the kernel's default primary handler, which only wakes the thread: then IRQF_ONESHOT is
 * required (-EINVAL otherwise), so that the line stays masked until thread_fn has run. The line
 * must be declared `threaded: true`, which gives it its thread.
 */
export function request_threaded_irq(
  irq: number,
  handler: IrqHandlerFn | null,
  thread_fn: IrqHandlerFn | null,
  flags: number,
  devname: string,
  dev_id: unknown,
): number {
  const rt = enterSleeping('request_threaded_irq');
  return setupIrq(rt, irq, handler, thread_fn, flags, devname, dev_id, 'request_threaded_irq');
}

function setupIrq(
  rt: CpuRuntime,
  irq: number,
  handler: IrqHandlerFn | null,
  thread_fn: IrqHandlerFn | null,
  flags: number,
  devname: string,
  dev_id: unknown,
  call: string,
): number {
  const line = rt.L.lines.find((l) => l.irq === irq);
  if (!line) return -EINVAL;
  if (handler === null || handler === undefined) {
    if (typeof thread_fn !== 'function') return -EINVAL;
    // __setup_irq(): "Threaded irq requested with handler=NULL and !ONESHOT"
    if ((flags & IRQF_ONESHOT) === 0) return -EINVAL;
  } else if (typeof handler !== 'function') return -EINVAL;
  const fid = handler ? declared(rt, handler, call, irq) : DEFAULT_PRIMARY;
  const tid = thread_fn ? declared(rt, thread_fn, call, irq) : 0;
  if (tid !== 0 && !irqThreadObject(rt, line.index))
    throw new KernelUsageError(
      `${call}(${irq}): the line has no irq thread; declare it with threaded: true in the scenario's irqs`,
    );
  const shared = (flags & IRQF_SHARED) !== 0;
  if (shared && (dev_id === null || dev_id === undefined)) return -EINVAL;
  const dev = rt.actions.encodeDev(dev_id);
  const hasStatic = rt.def.irqs?.[line.index]?.handler !== undefined;
  for (const a of rt.actions.installed(line.index)) {
    if (!shared || (a.flags & IRQF_SHARED) === 0) return -EBUSY;
    if (a.dev === dev) return -EINVAL;
  }
  const free = rt.actions.freeSlot(line.index);
  if (hasStatic || free < 0) return -EBUSY;
  rt.actions.install(line.index, free, fid, flags, dev, String(devname ?? ''), tid);
  rt.emit(Op.MARK, -1, irq, fid, kfn(call));
  return 0;
}

/** The function's index among those the scenario declares (every CPU must be able to run it). */
function declared(rt: CpuRuntime, f: IrqHandlerFn, call: string, irq: number): number {
  const id = rt.actions.fnId(f);
  if (id === 0)
    throw new Error(
      `${call}(${irq}): the handler must be declared in the scenario (handlers: { ... }) so that every CPU can run it`,
    );
  return id;
}

/** The line of `irq`, or a usage error naming the call. */
function lineOf(rt: CpuRuntime, irq: number, call: string): number {
  const line = rt.L.lines.find((l) => l.irq === irq);
  if (!line) throw new Error(`${call}(${irq}): no such irq line in this scenario`);
  return line.index;
}

/**
 * synchronize_irq(): wait until no handler of the line runs on any CPU, then until its thread
 * has nothing left to do. As the kernel's, it first spins for a running hardirq handler, then
 * sleeps for the threads (might_sleep): from the line's own handler it waits for itself, a
 * deadlock.
 */
export function synchronize_irq(irq: number): void {
  const rt = thisCpu('synchronize_irq');
  rt.point();
  waitForHandlers(rt, lineOf(rt, irq, 'synchronize_irq'), 'synchronize_irq', true);
}

/**
 * Wait out the line's running handler and its thread; the MARK after it orders them before us.
 * As __synchronize_irq(): spin while a hardirq handler of the line runs (a spin, not a sleep:
 * from the handler itself it never ends), then might_sleep() unless the caller made its own
 * (`check`), then sleep until the thread has nothing left to do.
 */
function waitForHandlers(rt: CpuRuntime, l: number, name: string, check: boolean): void {
  const desc = rt.L.objectsByKey.get('irq_desc')![l]!;
  const fn = kfn(name);
  if (lineActive(rt, l)) rt.waitUntil(desc.id, 0, rt.emit(Op.LOCK_CONTENDED, desc.id, 0, 0, fn));
  if (check) mightSleep(rt, fn);
  if (rt.isLocked(desc.id)) rt.waitUntil(desc.id, 0, rt.emit(Op.BLOCK, desc.id, 0, 0, fn));
  rt.emit(Op.MARK, desc.id, l, 0, FN_SYNCHRONIZE_IRQ);
}
const FN_SYNCHRONIZE_IRQ = kfn('synchronize_irq');

/**
 * disable_irq_nosync(): mask the line (depth + 1) without waiting for a running handler. Legal
 * in any context; each call needs its enable_irq().
 */
export function disable_irq_nosync(irq: number): void {
  const rt = thisCpu('disable_irq_nosync');
  rt.point();
  const l = lineOf(rt, irq, 'disable_irq_nosync');
  const depth = disableLine(rt, l);
  rt.emit(Op.MARK, -1, irq, depth + 1, kfn('disable_irq_nosync'));
}

/**
 * disable_irq(): mask the line, then wait for a handler of it running on any CPU and for its
 * thread, as synchronize_irq() does: it may sleep, and from the line's own handler it never
 * returns.
 */
export function disable_irq(irq: number): void {
  const rt = thisCpu('disable_irq');
  rt.point();
  const l = lineOf(rt, irq, 'disable_irq');
  const depth = disableLine(rt, l);
  rt.emit(Op.MARK, -1, irq, depth + 1, kfn('disable_irq'));
  waitForHandlers(rt, l, 'disable_irq', true);
}

/**
 * enable_irq(): undo one disable_irq(); the line fires again at depth 0, a pending interrupt
 * first. At depth 0 already the kernel WARNs "Unbalanced enable for IRQ %d" and changes nothing.
 */
export function enable_irq(irq: number): void {
  const rt = thisCpu('enable_irq');
  rt.point();
  const l = lineOf(rt, irq, 'enable_irq');
  if (!enableLine(rt, l)) {
    const desc = rt.L.objectsByKey.get('irq_desc')![l]!;
    rt.emit(Op.WARN, desc.id, rt.siteId(), WarnReason.WARN_ON, kfn('enable_irq'));
    return;
  }
  // under desc->lock, which the line's next handler takes too: what came before happens before it
  rt.emit(Op.MARK, -1, l, irq, kfn('enable_irq'));
}

/** Remove the action with this dev_id; returns its devname (null, with a WARNING, if none). */
export function free_irq(irq: number, dev_id: unknown): string | null {
  const rt = enterSleeping('free_irq');
  const line = rt.L.lines.find((l) => l.irq === irq);
  const dev = rt.actions.encodeDev(dev_id);
  const a = line && rt.actions.installed(line.index).find((x) => x.dev === dev);
  if (line && a) {
    const name = rt.actions.remove(line.index, a.slot);
    rt.emit(Op.MARK, -1, irq, 0, kfn('free_irq'));
    // __free_irq(): the action is gone; a handler already running on another CPU is waited for
    waitForHandlers(rt, line.index, 'free_irq', false);
    rt.actions.release(line.index, a.slot);
    return name;
  }
  // kernel/irq/manage.c: WARN(1, "Trying to free already-free IRQ %d\n", irq)
  rt.emit(Op.WARN, -1, rt.siteId(), 0, kfn('free_irq'));
  return null;
}
