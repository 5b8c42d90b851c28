/**
 * Reader-writer semaphores (include/linux/rwsem.h, kernel/locking/rwsem.c): sleeping locks that
 * many readers or one writer hold. Waiters queue in FIFO order, and a reader that arrives while
 * a writer waits queues behind it, so a task that takes the read side twice deadlocks when a
 * writer comes in between. Every down_*() but the trylocks may sleep (might_sleep()), and
 * lockdep validates the read side as a non-recursive reader: a read-read ABBA through an rwsem
 * is a circular dependency, and down_read() of a held rwsem is recursive locking.
 */
import { LockFlag, kfn } from '../machine/events.ts';
import { WAIT_SIGNAL } from '../machine/wait.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import { decl } from './declare.ts';
import { EINTR } from './errno.ts';
import type { KObject } from './objects.ts';
import { thisCpu } from './cpu.ts';
import { enterOn, enterSleepingOn, initDeclared } from './sleep.ts';
import { lockSubclassFlags } from './lock-variants.ts';

export type RwSemaphore = KObject & { readonly __kind: 'rw_semaphore' };

/** DECLARE_RWSEM: unlocked, no waiters. */
export const rw_semaphore = (): ObjectDecl<RwSemaphore> => decl('rw_semaphore', 0, 1, false);
/** n rw_semaphores of one lock class (init_rwsem in a loop). */
export const rw_semaphores = (n: number): ObjectDecl<RwSemaphore[]> => decl('rw_semaphore', 0, n, true);

const R = LockFlag.READ;

/** init_rwsem(): a declared rwsem starts unlocked in every trial; a scheduling point. */
export const init_rwsem = (sem: RwSemaphore): void => initDeclared('init_rwsem', sem);

function downAs(name: string, sem: RwSemaphore, flags: number, waitMode: number): boolean {
  const rt = thisCpu(name);
  const id = enterSleepingOn(rt, name, sem);
  return rt.acquire(id, flags, kfn(name), waitMode === WAIT_SIGNAL && !rt.def.faults?.signals ? 0 : waitMode);
}

export function down_read(sem: RwSemaphore): void {
  downAs('down_read', sem, R, 0);
}

/** 0, or -EINTR when a signal came while waiting (scenarios opt in with faults.signals). */
export function down_read_interruptible(sem: RwSemaphore): number {
  return downAs('down_read_interruptible', sem, R, WAIT_SIGNAL) ? 0 : -EINTR;
}

export function down_read_killable(sem: RwSemaphore): number {
  return downAs('down_read_killable', sem, R, WAIT_SIGNAL) ? 0 : -EINTR;
}

export function down_write(sem: RwSemaphore): void {
  downAs('down_write', sem, 0, 0);
}

/** down_read() and down_write() as lockdep subclass `subclass` (0-7), for two instances of one class nested. */
export const down_read_nested = (sem: RwSemaphore, subclass: number): void =>
  void downAs('down_read_nested', sem, R | lockSubclassFlags('down_read_nested', subclass), 0);
export const down_write_nested = (sem: RwSemaphore, subclass: number): void =>
  void downAs('down_write_nested', sem, lockSubclassFlags('down_write_nested', subclass), 0);

export function down_write_killable(sem: RwSemaphore): number {
  return downAs('down_write_killable', sem, 0, WAIT_SIGNAL) ? 0 : -EINTR;
}

function trylockAs(name: string, sem: RwSemaphore, flags: number): number {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, sem);
  return rt.tryAcquire(id, flags | LockFlag.TRY, kfn(name)) ? 1 : 0;
}

/** 1 when taken, 0 when a writer holds it or anyone waits (never sleeps). */
export const down_read_trylock = (sem: RwSemaphore): number => trylockAs('down_read_trylock', sem, R);
/** 1 when taken, 0 when anyone holds it or waits (never sleeps). */
export const down_write_trylock = (sem: RwSemaphore): number => trylockAs('down_write_trylock', sem, 0);

export function up_read(sem: RwSemaphore): void {
  const rt = thisCpu('up_read');
  const id = enterOn(rt, 'up_read', sem);
  rt.release(id, R, kfn('up_read'));
}

export function up_write(sem: RwSemaphore): void {
  const rt = thisCpu('up_write');
  const id = enterOn(rt, 'up_write', sem);
  rt.release(id, 0, kfn('up_write'));
}

/** The caller's write hold becomes a read hold at once: waiting readers ahead of any writer may join. */
export function downgrade_write(sem: RwSemaphore): void {
  const rt = thisCpu('downgrade_write');
  const id = enterOn(rt, 'downgrade_write', sem);
  rt.locks.downgrade(id, 0, kfn('downgrade_write'));
}

/** 1 when a reader or a writer holds it. */
export function rwsem_is_locked(sem: RwSemaphore): number {
  const rt = thisCpu('rwsem_is_locked');
  const id = enterOn(rt, 'rwsem_is_locked', sem);
  return rt.isLocked(id) ? 1 : 0;
}
