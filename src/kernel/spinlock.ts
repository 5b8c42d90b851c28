/**
 * Spinlocks, as in include/linux/spinlock.h. While a lock is busy the CPU spins, which here
 * means it is not enabled until the lock is free; irqs still arrive when they are on, exactly
 * as on hardware.
 */
import { thisCpu } from './cpu.ts';
import { lockAs, lockSubclassFlags, trylockAs, unlockAs } from './lock-variants.ts';
import { enterOn, initDeclared } from './sleep.ts';
import type { Spinlock } from './objects.ts';
import { lockStateSeen } from './memory-access.ts';

export const spin_lock = (lock: Spinlock): void => void lockAs('spin_lock', lock, 0, 'plain');
export const spin_unlock = (lock: Spinlock): void => unlockAs('spin_unlock', lock, 0, 'plain');
export const spin_lock_irq = (lock: Spinlock): void => void lockAs('spin_lock_irq', lock, 0, 'irq');
export const spin_unlock_irq = (lock: Spinlock): void => unlockAs('spin_unlock_irq', lock, 0, 'irq');
/** `const flags = spin_lock_irqsave(lock)`; give flags back to spin_unlock_irqrestore. */
export const spin_lock_irqsave = (lock: Spinlock): number => lockAs('spin_lock_irqsave', lock, 0, 'irqsave');
export const spin_unlock_irqrestore = (lock: Spinlock, flags: number): void =>
  unlockAs('spin_unlock_irqrestore', lock, 0, 'irqsave', flags);
export const spin_lock_bh = (lock: Spinlock): void => void lockAs('spin_lock_bh', lock, 0, 'bh');
export const spin_unlock_bh = (lock: Spinlock): void => unlockAs('spin_unlock_bh', lock, 0, 'bh');
/** 1 when taken, 0 when busy. */
export const spin_trylock = (lock: Spinlock): number => trylockAs('spin_trylock', lock, 0);

/** Take a second lock of the same class in a known order: subclass 1-7 is its own class. */
export function spin_lock_nested(lock: Spinlock, subclass: number): void {
  lockAs('spin_lock_nested', lock, lockSubclassFlags('spin_lock_nested', subclass), 'plain');
}

export function spin_is_locked(lock: Spinlock): boolean {
  const rt = thisCpu('spin_is_locked');
  const id = enterOn(rt, 'spin_is_locked', lock);
  return lockStateSeen(rt, id) ?? rt.isLocked(id);
}

/** spin_lock_init(): the declared spinlock is already unlocked in every trial (initDeclared). */
export const spin_lock_init = (lock: Spinlock): void => initDeclared('spin_lock_init', lock);
