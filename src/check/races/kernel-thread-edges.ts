/**
 * Happens-before edges of kernel threads and the irq line's own calls, for the race detector
 * (MARK events, by F_FN).
 */
import { kfn } from '../../machine/events.ts';
import { join } from './clocks.ts';
import { type RaceState, workKey } from './race-state.ts';

const FN_ENABLE_IRQ = kfn('enable_irq');
const FN_IRQ_WAKE_THREAD = kfn('irq_wake_thread');
const FN_IRQ_THREAD_FN = kfn('irq_thread_fn');
const FN_KTHREAD_RUN = kfn('kthread_run');
/** on a kthread's object: the wake-up that starts a thread kthread_create() made */
const FN_WAKE_UP_PROCESS = kfn('wake_up_process');
const FN_KTHREAD = kfn('kthread');
const FN_KTHREAD_STOP = kfn('kthread_stop');

/**
 * Kernel threads: kthread_run (or the first wake-up of a kthread_create()d one) → the thread's
 * first step, its exit → kthread_stop's return; a primary handler waking its irq thread → the
 * thread function, whose end is the line's (synchronize_irq, free_irq and disable_irq wait for
 * it); enable_irq → the line's next handler.
 */
export function kernelThreadEdges(s: RaceState, u: number, fn: number, o: number, a: number, b: number): void {
  const T = s.T;
  const key = workKey(o);
  if (fn === FN_KTHREAD_RUN || fn === FN_WAKE_UP_PROCESS || fn === FN_IRQ_WAKE_THREAD) {
    join(s.soft, key, s.C, u);
    s.C.v[u * T + u]!++;
  } else if ((fn === FN_KTHREAD || fn === FN_IRQ_THREAD_FN) && a === 0) {
    join(s.C, u, s.soft, key);
  } else if (fn === FN_KTHREAD && a === 1) {
    join(s.done, key, s.C, u);
    s.C.v[u * T + u]!++;
  } else if (fn === FN_IRQ_THREAD_FN && a === 1) {
    join(s.lines, b, s.C, u);
    s.C.v[u * T + u]!++;
  } else if (fn === FN_ENABLE_IRQ) {
    join(s.lines, a, s.C, u);
    s.C.v[u * T + u]!++;
  } else if (fn === FN_KTHREAD_STOP && a === 2) {
    join(s.C, u, s.done, key);
  }
}
