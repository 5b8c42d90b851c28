/**
 * Waiting on sleeping objects, and the choices time and signals add to a schedule.
 *
 * A waiting context's CX.WAIT_FLAGS holds the LockFlag bits of its acquisition (bits 0-11),
 * its waiter key (bits 16-25: agent * CTX_MAX + depth + 1, what a semaphore's FIFO stores) and
 * the bits below. A wait that a timeout or a signal may end is *wakeable*: while it cannot take
 * its object, "wake that context early" is a strategy option (wakeOption in sched/strategy.ts,
 * ranked below every agent by PCT, like the end of a trial). Taking it sets WOKEN: the context is enabled
 * again and its acquisition returns without the object.
 */
import { CTX_MAX, WAIT_KEY_BITS } from './capacities.ts';

export const WAIT_KEY_SHIFT = 16;
export const WAIT_KEY_MASK = ((1 << WAIT_KEY_BITS) - 1) << WAIT_KEY_SHIFT;
/** down_timeout / schedule_timeout: a timeout may end the wait (-ETIME) */
export const WAIT_TIMEOUT = 1 << 26;
/** _interruptible / _killable with signals opted in: a signal may end the wait (-EINTR) */
export const WAIT_SIGNAL = 1 << 27;
/** the wait was ended early */
export const WAIT_WOKEN = 1 << 28;
export const WAIT_WAKEABLE = WAIT_TIMEOUT | WAIT_SIGNAL;

export function waiterKey(agent: number, depth: number): number {
  return agent * CTX_MAX + depth + 1;
}

export function waitKeyOf(waitFlags: number): number {
  return (waitFlags & WAIT_KEY_MASK) >>> WAIT_KEY_SHIFT;
}
