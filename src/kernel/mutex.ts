/**
 * Mutexes (include/linux/mutex.h): sleeping locks with an owner. A waiter blocks (it is not
 * enabled until the mutex is free); unlocking a mutex the caller does not hold is a release
 * flagged NOT_HELD, which the checks report.
 */
import { LockFlag, kfn } from '../machine/events.ts';
import { WAIT_SIGNAL } from '../machine/wait.ts';
import { decl } from './declare.ts';
import { EINTR } from './errno.ts';
import type { KObject } from './objects.ts';
import { thisCpu } from './cpu.ts';
import { enterOn, enterSleepingOn, initDeclared } from './sleep.ts';
import { lockSubclassFlags } from './lock-variants.ts';
import type { ObjectDecl } from '../machine/declarations.ts';

export type Mutex = KObject & { readonly __kind: 'mutex' };

export const mutex = (): ObjectDecl<Mutex> => decl('mutex', 0, 1, false);
export const mutexes = (n: number): ObjectDecl<Mutex[]> => decl('mutex', 0, n, true);

function lockAs(name: string, lock: Mutex, waitMode: number, flags = 0): boolean {
  const rt = thisCpu(name);
  const id = enterSleepingOn(rt, name, lock);
  return rt.acquire(id, flags, kfn(name), waitMode === WAIT_SIGNAL && !rt.def.faults?.signals ? 0 : waitMode);
}

export function mutex_lock(lock: Mutex): void {
  lockAs('mutex_lock', lock, 0);
}

/** mutex_lock() as lockdep subclass `subclass` (0-7): two instances of one class taken nested. */
export function mutex_lock_nested(lock: Mutex, subclass: number): void {
  lockAs('mutex_lock_nested', lock, 0, lockSubclassFlags('mutex_lock_nested', subclass));
}

/** 0, or -EINTR when a signal came while waiting (scenarios opt in with faults.signals). */
export function mutex_lock_interruptible(lock: Mutex): number {
  return lockAs('mutex_lock_interruptible', lock, WAIT_SIGNAL) ? 0 : -EINTR;
}

export function mutex_lock_killable(lock: Mutex): number {
  return lockAs('mutex_lock_killable', lock, WAIT_SIGNAL) ? 0 : -EINTR;
}

/** 1 when taken, 0 when busy (the opposite of down_trylock). Never sleeps. */
export function mutex_trylock(lock: Mutex): number {
  const rt = thisCpu('mutex_trylock');
  const id = enterOn(rt, 'mutex_trylock', lock);
  return rt.tryAcquire(id, LockFlag.TRY, kfn('mutex_trylock')) ? 1 : 0;
}

export function mutex_unlock(lock: Mutex): void {
  const rt = thisCpu('mutex_unlock');
  const id = enterOn(rt, 'mutex_unlock', lock);
  rt.release(id, 0, kfn('mutex_unlock'));
}

export function mutex_is_locked(lock: Mutex): boolean {
  const rt = thisCpu('mutex_is_locked');
  const id = enterOn(rt, 'mutex_is_locked', lock);
  return rt.isLocked(id);
}

/** mutex_init(): the declared mutex is already unlocked in every trial (initDeclared). */
export const mutex_init = (lock: Mutex): void => initDeclared('mutex_init', lock);
