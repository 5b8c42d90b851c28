/**
 * Lock usage bits, numbered as the kernel's enum lock_usage_bit so that its mask arithmetic
 * (exclusive_bit, exclusive_mask …) carries over bit for bit:
 *
 *   bit0: 0 exclusive, 1 read     bit1: 0 USED_IN (irq-safe), 1 ENABLED (irq-unsafe)
 *   bit2: irq state (0 hardirq, 1 softirq)
 *
 * then LOCK_USED / LOCK_USED_READ, which carry no irq meaning and are never checked.
 */

export const USED_IN_HARDIRQ = 0;
export const USED_IN_HARDIRQ_READ = 1;
export const ENABLED_HARDIRQ = 2;
export const ENABLED_HARDIRQ_READ = 3;
export const USED_IN_SOFTIRQ = 4;
export const USED_IN_SOFTIRQ_READ = 5;
export const ENABLED_SOFTIRQ = 6;
export const ENABLED_SOFTIRQ_READ = 7;
export const USED = 8;
export const USED_READ = 9;
/** Bits with a trace (the kernel's LOCK_TRACE_STATES): all of the above. */
export const USAGE_STATES = 10;

export const USAGE_READ_MASK = 1;
export const USAGE_DIR_MASK = 2;
export const USAGE_STATE_MASK = ~(USAGE_READ_MASK | USAGE_DIR_MASK);

/** LOCKF_* masks over the irq bits (0-7). */
export const LOCKF_USED_IN_IRQ_ALL = 0x33;
export const LOCKF_ENABLED_IRQ_ALL = 0xcc;
/** the exclusive (non-read) irq bits */
export const LOCKF_IRQ = 0x55;
/** the read irq bits */
export const LOCKF_IRQ_READ = 0xaa;

/** usage_str[]: how reports name a usage bit. */
export const USAGE_STR: readonly string[] = [
  'IN-HARDIRQ-W',
  'IN-HARDIRQ-R',
  'HARDIRQ-ON-W',
  'HARDIRQ-ON-R',
  'IN-SOFTIRQ-W',
  'IN-SOFTIRQ-R',
  'SOFTIRQ-ON-W',
  'SOFTIRQ-ON-R',
  'INITIAL USE',
  'INITIAL READ USE',
];

const STATE_NAMES = ['HARDIRQ', 'SOFTIRQ'] as const;

/** The irq state a bit belongs to, without the read suffix: "HARDIRQ" or "SOFTIRQ". */
export function stateOf(bit: number): string {
  return STATE_NAMES[bit >> 2]!;
}

/** state_name(): "HARDIRQ", or "HARDIRQ-READ" for a read bit. */
export function stateName(bit: number): string {
  return bit & USAGE_READ_MASK ? `${stateOf(bit)}-READ` : stateOf(bit);
}

/** Same irq state, the other direction, read stripped. */
export function exclusiveBit(bit: number): number {
  return (bit & USAGE_STATE_MASK) | ((bit & USAGE_DIR_MASK) ^ USAGE_DIR_MASK);
}

function invertDirMask(mask: number): number {
  return ((mask & LOCKF_ENABLED_IRQ_ALL) >> USAGE_DIR_MASK) | ((mask & LOCKF_USED_IN_IRQ_ALL) << USAGE_DIR_MASK);
}

/**
 * Usages that conflict with any usage in `mask`: the other direction, read or not (a read
 * USED_IN against an exclusive ENABLED deadlocks too, and so on).
 */
export function exclusiveMask(mask: number): number {
  let excl = invertDirMask(mask);
  excl |= (excl & LOCKF_IRQ_READ) >> USAGE_READ_MASK;
  excl |= (excl & LOCKF_IRQ) << USAGE_READ_MASK;
  return excl;
}

/** The usages `mask` could be exclusive to (the inverse of exclusiveMask, which is its own). */
export const originalMask = exclusiveMask;

/** find_exclusive_match(): the first pair (bit of mask, bit of exclMask) that conflict. */
export function findExclusiveMatch(mask: number, exclMask: number): [number, number] | undefined {
  for (let bit = 0; bit < USED; bit++) {
    if (!(mask & (1 << bit))) continue;
    const excl = exclusiveBit(bit);
    if (exclMask & (1 << excl)) return [bit, excl];
    if (exclMask & (1 << (excl | USAGE_READ_MASK))) return [bit, excl | USAGE_READ_MASK];
  }
  return undefined;
}

function usageChar(mask: number, bit: number): string {
  // '.': never in irq context, irqs off; '-': in irq context; '+': irqs on; '?': both.
  if (mask & (1 << (bit + USAGE_DIR_MASK))) return mask & (1 << bit) ? '?' : '+';
  return mask & (1 << bit) ? '-' : '.';
}

/** The usage string printed in braces: per state, the exclusive then the read character. */
export function usageChars(mask: number): string {
  return (
    usageChar(mask, USED_IN_HARDIRQ) +
    usageChar(mask, USED_IN_HARDIRQ_READ) +
    usageChar(mask, USED_IN_SOFTIRQ) +
    usageChar(mask, USED_IN_SOFTIRQ_READ)
  );
}
