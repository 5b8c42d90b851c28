/**
 * Threaded interrupts (kernel/irq/manage.c: irq_thread, kernel/irq/handle.c:
 * __irq_wake_thread). A line declared `threaded` has its irq thread, irq/<irq>-<name>, an agent
 * of its own in process context. When a primary handler returns IRQ_WAKE_THREAD its action's
 * bit is set in the thread's word (IRQTF_RUNTHREAD) and the line's threads_active (the
 * descriptor's AUX) counts it; the thread wakes, clears the bits, runs each due action's
 * thread_fn, where it may sleep, and counts it done. An IRQF_ONESHOT action keeps the line
 * masked (LN.ONESHOT) until its thread_fn returns. synchronize_irq() waits for threads_active
 * to fall to 0, as the kernel's wait_for_threads.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from './events.ts';
import { LN, type ObjectInfo } from './layout.ts';
import { ACTION_MAX } from './capacities.ts';
import { O } from './object-words.ts';
import type { CpuRuntime } from './runtime.ts';

/** irqreturn_t: the handler woke its thread (include/linux/irqreturn.h). */
export const IRQ_WAKE_THREAD = 2;
/** Keep the line masked until the thread function has run. */
export const IRQF_ONESHOT = 0x2000;

const FN_WAKE = kfn('irq_wake_thread');
const FN_THREAD = kfn('irq_thread_fn');

/** Line l's irq thread word, when the line is threaded. */
export function irqThreadObject(rt: CpuRuntime, l: number): ObjectInfo | undefined {
  return rt.L.objectsByKey.get('irq_thread')?.find((o) => o.index === l);
}

function descOf(rt: CpuRuntime, l: number): ObjectInfo {
  return rt.L.objectsByKey.get('irq_desc')![l]!;
}

/** __irq_wake_thread(), in the hardirq: the action in `slot` asked for its thread. */
export function wakeIrqThread(rt: CpuRuntime, l: number, slot: number, oneshot: boolean): void {
  const m = rt.m;
  const t = irqThreadObject(rt, l)!;
  const bit = 1 << slot;
  // already due: it runs once for both
  if (m[t.offset + O.WORD]! & bit) return;
  m[t.offset + O.WORD] = m[t.offset + O.WORD]! | bit;
  if (oneshot) m[rt.L.line(l) + LN.ONESHOT] = m[rt.L.line(l) + LN.ONESHOT]! | bit;
  const desc = descOf(rt, l);
  m[desc.offset + O.AUX] = m[desc.offset + O.AUX]! + 1;
  rt.emit(Op.MARK, t.id, slot, l, FN_WAKE);
}

/** irq_thread(): the thread's life, waiting to be woken and running what is due (never returns). */
export function irqThreadLoop(rt: CpuRuntime): never {
  const m = rt.m;
  const l = rt.L.agents[rt.agent]!.line!;
  const t = irqThreadObject(rt, l)!;
  const desc = descOf(rt, l);
  const lb = rt.L.line(l);
  const line = rt.L.lines[l]!;
  rt.emit(Op.TASK_START, -1, -1, 0, FN_THREAD);
  for (;;) {
    // taking the due bits changes the thread's word and the line: dependent with everything
    rt.footprint(-1, Access.ANY);
    rt.waitUntil(t.id, 0, -1);
    const due = m[t.offset + O.WORD]!;
    m[t.offset + O.WORD] = 0;
    rt.point();
    for (let slot = 0; slot < ACTION_MAX; slot++) {
      const bit = 1 << slot;
      if ((due & bit) === 0) continue;
      // what the primary handler did happens before the thread function
      rt.emit(Op.MARK, t.id, 0, l, FN_THREAD);
      rt.actions.runThreadFn(l, slot, line.irq, `irq/${line.irq}-${line.name} thread`);
      rt.point();
      // irq_finalize_oneshot(), then wake_threads_waitq(): synchronize_irq may return
      m[lb + LN.ONESHOT] = m[lb + LN.ONESHOT]! & ~bit;
      m[desc.offset + O.AUX] = m[desc.offset + O.AUX]! - 1;
      rt.emit(Op.MARK, t.id, 1, l, FN_THREAD);
    }
  }
}
