/**
 * An irq line's disable depth (kernel/irq/manage.c: desc->depth). disable_irq_nosync() adds
 * one; enable_irq() takes one away, and at 0 warns instead ("Unbalanced enable"). While the
 * depth is above 0 the line is masked: its interrupts stay pending (its firing budget is kept)
 * and it fires only once it is enabled again. A line with no action installed, or an
 * IRQF_ONESHOT thread still to run, is masked as well.
 */
import { LN } from './layout.ts';
import type { CpuRuntime } from './runtime.ts';

/** The line whose block is at `lb` cannot be delivered now. */
export function lineMasked(m: Int32Array, lb: number): boolean {
  return m[lb + LN.NACTIONS] === 0 || m[lb + LN.DEPTH] !== 0 || m[lb + LN.ONESHOT] !== 0;
}

/** A hardirq handler of line l runs on some CPU (irqd_irq_inprogress). */
export function lineActive(rt: CpuRuntime, l: number): boolean {
  return rt.m[rt.L.line(l) + LN.ACTIVE] !== 0;
}

/** __disable_irq(): the depth before. */
export function disableLine(rt: CpuRuntime, l: number): number {
  const at = rt.L.line(l) + LN.DEPTH;
  const depth = rt.m[at]!;
  rt.m[at] = depth + 1;
  return depth;
}

/** __enable_irq(): false, changing nothing, when the line was not disabled (unbalanced). */
export function enableLine(rt: CpuRuntime, l: number): boolean {
  const at = rt.L.line(l) + LN.DEPTH;
  const depth = rt.m[at]!;
  if (depth === 0) return false;
  rt.m[at] = depth - 1;
  return true;
}
