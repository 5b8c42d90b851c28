/**
 * request_irq / free_irq / synchronize_irq (include/linux/interrupt.h). All may sleep; free_irq
 * returns only once no handler of the line runs anywhere, so the handler's data may be freed. A line shares only when
 * every action on it, the new one included, has IRQF_SHARED, and a shared action needs a
 * dev_id no other action on the line has. A line with no action is masked: it is never
 * delivered. Handlers must be declared in the scenario (`handlers: { ... }`) so that every CPU
 * can run them; each is called as handler(state, irq, dev_id).
 */
import { Op, kfn } from '../machine/events.ts';
import { EBUSY, EINVAL } from './errno.ts';
import { enterSleeping } from './sleep.ts';
import type { CpuRuntime } from '../machine/runtime.ts';

export const IRQF_SHARED = 0x80;
export const IRQF_PROBE_SHARED = 0x100;
export const IRQF_ONESHOT = 0x2000;
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
  const line = rt.L.lines.find((l) => l.irq === irq);
  if (!line || typeof handler !== 'function') return -EINVAL;
  const fid = rt.actions.fnId(handler);
  if (fid === 0)
    throw new Error(
      `request_irq(${irq}): the handler must be declared in the scenario (handlers: { ... }) so that every CPU can run it`,
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
  rt.actions.install(line.index, free, fid, flags, dev, String(devname ?? ''));
  rt.emit(Op.MARK, -1, irq, fid, kfn('request_irq'));
  return 0;
}

/**
 * synchronize_irq(): wait until no handler of the line runs on any CPU. May sleep; from the
 * line's own handler it waits for itself, a deadlock.
 */
export function synchronize_irq(irq: number): void {
  const rt = enterSleeping('synchronize_irq');
  const line = rt.L.lines.find((l) => l.irq === irq);
  if (!line) throw new Error(`synchronize_irq(${irq}): no such irq line in this scenario`);
  waitForHandlers(rt, line.index, 'synchronize_irq');
}

/** Wait out the line's running handler; the MARK after it orders that handler before us. */
function waitForHandlers(rt: CpuRuntime, l: number, name: string): void {
  const desc = rt.L.objectsByKey.get('irq_desc')![l]!;
  if (rt.isLocked(desc.id)) rt.waitUntil(desc.id, 0, rt.emit(Op.BLOCK, desc.id, 0, 0, kfn(name)));
  rt.emit(Op.MARK, desc.id, l, 0, FN_SYNCHRONIZE_IRQ);
}
const FN_SYNCHRONIZE_IRQ = kfn('synchronize_irq');

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
    waitForHandlers(rt, line.index, 'free_irq');
    return name;
  }
  // kernel/irq/manage.c: WARN(1, "Trying to free already-free IRQ %d\n", irq)
  rt.emit(Op.WARN, -1, rt.siteId(), 0, kfn('free_irq'));
  return null;
}
