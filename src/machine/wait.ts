/**
 * Waiting on sleeping objects, and the choices time and signals add to a schedule.
 *
 * A waiting context's CX.WAIT_FLAGS holds the LockFlag bits of its acquisition (bits 0-11),
 * its waiter key (bits 16-25: cpu * CTX_MAX + depth + 1, what a semaphore's FIFO stores) and
 * the bits below. A wait that a timeout or a signal may end is *wakeable*: while it cannot take
 * its object, "wake that context early" is a strategy option (a negative option value, ranked
 * below every CPU by PCT, like the end of a trial). Taking it sets WOKEN: the context is enabled
 * again and its acquisition returns without the object.
 */
import { CTX_MAX } from './layout.ts';

export const WAIT_KEY_SHIFT = 16;
export const WAIT_KEY_MASK = 0x3ff << WAIT_KEY_SHIFT;
/** down_timeout / schedule_timeout: a timeout may end the wait (-ETIME) */
export const WAIT_TIMEOUT = 1 << 26;
/** _interruptible / _killable with signals opted in: a signal may end the wait (-EINTR) */
export const WAIT_SIGNAL = 1 << 27;
/** the wait was ended early */
export const WAIT_WOKEN = 1 << 28;
export const WAIT_WAKEABLE = WAIT_TIMEOUT | WAIT_SIGNAL;

export function waiterKey(cpu: number, depth: number): number {
  return cpu * CTX_MAX + depth + 1;
}

export function waitKeyOf(waitFlags: number): number {
  return (waitFlags & WAIT_KEY_MASK) >>> WAIT_KEY_SHIFT;
}

/** Option "end the wait of CPU c's innermost context": -2 - c (END_OPTION is -1). */
const WAKE_BASE = -2;
export function wakeOption(cpu: number): number {
  return WAKE_BASE - cpu;
}
export function isWakeOption(o: number): boolean {
  return o <= WAKE_BASE;
}
export function wakeOptionCpu(o: number): number {
  return WAKE_BASE - o;
}

/** Pseudo line of the irq-kind option "run this CPU's pending softirqs" (what ksoftirqd does). */
export const SOFTIRQ_LINE = 0xff;
