/**
 * The machine's fixed capacities, and the widths they must fit in. The layout checks every one
 * of them when it is built (the kernel pins its packed widths the same way, with BUILD_BUG_ON),
 * so a scenario too big for the machine is a clear error naming the limit, never a silent
 * truncation.
 */
import { MAX_IRQ_LINES, MAX_OPTION_CPUS } from '../sched/strategy.ts';

/** Contexts one agent can nest: its task, then interrupts and softirqs on top. */
export const CTX_MAX = 8;
/** Locks one agent can hold at once: the kernel's MAX_LOCK_DEPTH. */
export const HELD_MAX = 48;
/** request_irq() actions one line can have. */
export const ACTION_MAX = 8;
/** kmalloc() handles per trial. */
export const HEAP_MAX = 4096;
/** call_rcu()/kfree_rcu() callbacks waiting for their grace period at once. */
export const RCU_CB_MAX = 64;
/** Int fields of one kmalloc object (kmalloc(size) has ceil(size / 4) of them, at most this many). */
export const KOBJ_FIELDS_MAX = 16;
/** Width of a waiter key (agent * CTX_MAX + depth + 1) in a waiting context's flags. */
export const WAIT_KEY_BITS = 10;
/** Agents whose every context has a waiter key. */
export const MAX_AGENTS = Math.floor(((1 << WAIT_KEY_BITS) - 1) / CTX_MAX);
/** CPUs an interrupt option can name. */
export const MAX_CPUS = MAX_OPTION_CPUS;
/** IRQ lines an option can name (the last value is the softirq pseudo line). */
export const MAX_LINES = MAX_IRQ_LINES;

export class LayoutError extends Error {}

/** Throw a LayoutError naming `limit` unless `value` <= `max`. */
export function checkCapacity(what: string, value: number, max: number, limit: string): void {
  if (!(value <= max)) throw new LayoutError(`${what}: ${value} exceeds the machine's limit of ${max} (${limit})`);
}
