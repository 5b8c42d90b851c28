/**
 * Counting semaphores (include/linux/semaphore.h). Sleepers queue in FIFO order and `up` lets
 * the longest waiter through. A down that satisfies an up is the LOCK_ACQUIRE of the object
 * that up released (a happens-before edge). Semaphores have no owner: lockdep does not
 * validate them and they are on no held-lock stack, as in the kernel.
 */
import { LockFlag, kfn } from '../machine/events.ts';
import { WAIT_SIGNAL, WAIT_TIMEOUT } from '../machine/wait.ts';
import { decl } from './declare.ts';
import { EINTR, ETIME } from './errno.ts';
import type { KObject } from './objects.ts';
import { thisCpu } from './cpu.ts';
import { KernelUsageError } from '../machine/usage-error.ts';
import { enterOn, sleepOn } from './sleep.ts';
import type { ObjectDecl } from '../machine/declarations.ts';

export type Semaphore = KObject & { readonly __kind: 'semaphore' };

/** sema_init(sem, n): a semaphore with count n (default 1). */
export const semaphore = (n = 1): ObjectDecl<Semaphore> => decl('semaphore', n, 1, false);
export const semaphores = (count: number, n = 1): ObjectDecl<Semaphore[]> => decl('semaphore', n, count, true);

const downAs = (name: string, sem: Semaphore, waitMode: number, timeout = 0): boolean =>
  sleepOn(name, sem, waitMode, timeout);

export function down(sem: Semaphore): void {
  downAs('down', sem, 0);
}

/** 0, or -EINTR when a signal came while waiting (scenarios opt in with faults.signals). */
export function down_interruptible(sem: Semaphore): number {
  return downAs('down_interruptible', sem, WAIT_SIGNAL) ? 0 : -EINTR;
}

export function down_killable(sem: Semaphore): number {
  return downAs('down_killable', sem, WAIT_SIGNAL) ? 0 : -EINTR;
}

/** 0, or -ETIME when `timeout` jiffies passed first: both outcomes are explored. */
export function down_timeout(sem: Semaphore, timeout: number): number {
  return downAs('down_timeout', sem, WAIT_TIMEOUT, Math.max(0, timeout | 0)) ? 0 : -ETIME;
}

/** Never sleeps: 0 when taken, 1 when not (the opposite of mutex_trylock). */
export function down_trylock(sem: Semaphore): number {
  const rt = thisCpu('down_trylock');
  const id = enterOn(rt, 'down_trylock', sem);
  return rt.tryAcquire(id, LockFlag.TRY, kfn('down_trylock')) ? 0 : 1;
}

/** Never sleeps; allowed in any context. */
export function up(sem: Semaphore): void {
  const rt = thisCpu('up');
  const id = enterOn(rt, 'up', sem);
  rt.release(id, 0, kfn('up'));
}

/**
 * sema_init(sem, val): the count comes from the declaration, semaphore(val), in every trial; a
 * sema_init() with another count is refused rather than silently run with the declared one.
 */
export function sema_init(sem: Semaphore, val: number): void {
  const rt = thisCpu('sema_init');
  const id = enterOn(rt, 'sema_init', sem);
  const info = rt.L.objects[id]!;
  if (val !== info.init)
    throw new KernelUsageError(
      `sema_init(s.${info.name}, ${val}): "${info.key}" is declared semaphore(${info.init}): declare it semaphore(${val})`,
    );
}
