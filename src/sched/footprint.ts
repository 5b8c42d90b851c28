/**
 * Dependency footprints: what the next step of an option touches, so that a partial-order
 * strategy (dpor.ts) can tell which steps commute.
 *
 * A *step* is what happens between two decisions once an option is taken: an agent runs from
 * its scheduling point to its next one (the one kernel operation that point was made for), an
 * interrupt or a softirq run enters on a CPU, a wait is ended early. Each step has a footprint:
 * the object it touches (an id the machine gives: a declared object, or one of its pseudo
 * objects such as an irq line or jiffies), how (Access), and the CPU it happens on.
 *
 * Two steps of different options are *dependent* when
 *   - they touch the same object and at least one of them changes it (WRITE), or
 *   - either one is ANY (an operation that declared nothing: dependent with everything), or
 *   - they happen on the same CPU: an interrupt, a softirq run or a preemption by another
 *     agent of that CPU is ordered with every operation of the code it lands on (irq and
 *     preempt state, which decide what is enabled, are the CPU's own).
 * Steps of one option are ordered by program order. Everything else commutes: swapping two
 * adjacent independent steps gives the same state and the same events, up to their order.
 *
 * How a kernel operation declares its footprint: it passes it to its scheduling point,
 * `rt.point(objectId, Access.READ | WRITE)`; an operation on no shared object (irq flags,
 * preempt count, barriers) passes `Access.NONE`; one that touches several objects, or the
 * machine's own bookkeeping, passes nothing and gets ANY, which is always sound and only costs
 * reduction. A new object kind needs nothing more than that.
 */

export const Access = {
  /** touches nothing another CPU could see (only its own CPU's state) */
  NONE: 0,
  READ: 1,
  WRITE: 2,
  /** declared nothing: dependent with every step */
  ANY: 3,
} as const;
export type AccessKind = (typeof Access)[keyof typeof Access];

/** Is a step (obj1, access1, cpu1) dependent with (obj2, access2, cpu2)? Options are assumed distinct. */
export function dependent(obj1: number, acc1: number, cpu1: number, obj2: number, acc2: number, cpu2: number): boolean {
  if (acc1 === Access.ANY || acc2 === Access.ANY) return true;
  if (cpu1 >= 0 && cpu1 === cpu2) return true;
  if (acc1 === Access.NONE || acc2 === Access.NONE) return false;
  return obj1 === obj2 && (acc1 === Access.WRITE || acc2 === Access.WRITE);
}
