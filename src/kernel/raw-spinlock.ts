/**
 * raw_spinlock_t and the raw_spin_lock family (include/linux/spinlock.h). Without PREEMPT_RT a
 * raw spinlock is a spinlock, so it shares the spinlock's words, lockdep class per state key and
 * context rules; its own type keeps spin_lock() and raw_spin_lock() from taking each other's lock.
 */
import type { ObjectDecl } from '../machine/declarations.ts';
import { decl } from './declare.ts';
import { thisCpu } from './cpu.ts';
import { lockAs, lockSubclassFlags, trylockAs, unlockAs } from './lock-variants.ts';
import { enterOn, initDeclared } from './sleep.ts';
import type { RawSpinlock } from './objects.ts';

export const raw_spinlock = (): ObjectDecl<RawSpinlock> => decl('spinlock', 0, 1, false);
export const raw_spinlocks = (n: number): ObjectDecl<RawSpinlock[]> => decl('spinlock', 0, n, true);

export const raw_spin_lock = (lock: RawSpinlock): void => void lockAs('raw_spin_lock', lock, 0, 'plain');
export const raw_spin_unlock = (lock: RawSpinlock): void => unlockAs('raw_spin_unlock', lock, 0, 'plain');
export const raw_spin_lock_irq = (lock: RawSpinlock): void => void lockAs('raw_spin_lock_irq', lock, 0, 'irq');
export const raw_spin_unlock_irq = (lock: RawSpinlock): void => unlockAs('raw_spin_unlock_irq', lock, 0, 'irq');
/** `const flags = raw_spin_lock_irqsave(lock)`; give flags back to raw_spin_unlock_irqrestore. */
export const raw_spin_lock_irqsave = (lock: RawSpinlock): number => lockAs('raw_spin_lock_irqsave', lock, 0, 'irqsave');
export const raw_spin_unlock_irqrestore = (lock: RawSpinlock, flags: number): void =>
  unlockAs('raw_spin_unlock_irqrestore', lock, 0, 'irqsave', flags);
export const raw_spin_lock_bh = (lock: RawSpinlock): void => void lockAs('raw_spin_lock_bh', lock, 0, 'bh');
export const raw_spin_unlock_bh = (lock: RawSpinlock): void => unlockAs('raw_spin_unlock_bh', lock, 0, 'bh');
/** 1 when taken, 0 when busy. */
export const raw_spin_trylock = (lock: RawSpinlock): number => trylockAs('raw_spin_trylock', lock, 0);

export function raw_spin_lock_nested(lock: RawSpinlock, subclass: number): void {
  lockAs('raw_spin_lock_nested', lock, lockSubclassFlags('raw_spin_lock_nested', subclass), 'plain');
}

export function raw_spin_is_locked(lock: RawSpinlock): boolean {
  const rt = thisCpu('raw_spin_is_locked');
  const id = enterOn(rt, 'raw_spin_is_locked', lock);
  return rt.isLocked(id);
}

/** raw_spin_lock_init(): already unlocked in every trial (initDeclared). */
export const raw_spin_lock_init = (lock: RawSpinlock): void => initDeclared('raw_spin_lock_init', lock);
