/**
 * Reader-writer spinlocks (queued rwlocks). A reader in process context waits behind a waiting
 * writer, so recursive read_lock in process context can deadlock; a reader in interrupt
 * context only waits for a writer that holds the lock (it is a recursive reader).
 */
import { Ctx, LockFlag } from '../machine/events.ts';
import { currentRuntime } from './cpu.ts';
import { lockAs, trylockAs, unlockAs, type Variant } from './lock-variants.ts';
import type { RwLock } from './objects.ts';
import { initDeclared } from './sleep.ts';

const R = LockFlag.READ;

/** Read flags for the calling context: interrupt-context readers are recursive. */
function readFlags(): number {
  const rt = currentRuntime();
  return rt && rt.onCpu && rt.ctxKind() !== Ctx.TASK ? R | LockFlag.RECURSIVE : R;
}

const rlock =
  (name: string, v: Variant) =>
  (l: RwLock): number =>
    lockAs(name, l, readFlags(), v);
const wlock =
  (name: string, v: Variant) =>
  (l: RwLock): number =>
    lockAs(name, l, 0, v);

export const read_lock = (l: RwLock): void => void rlock('read_lock', 'plain')(l);
export const read_unlock = (l: RwLock): void => unlockAs('read_unlock', l, R, 'plain');
export const write_lock = (l: RwLock): void => void wlock('write_lock', 'plain')(l);
export const write_unlock = (l: RwLock): void => unlockAs('write_unlock', l, 0, 'plain');
export const read_lock_irq = (l: RwLock): void => void rlock('read_lock_irq', 'irq')(l);
export const read_unlock_irq = (l: RwLock): void => unlockAs('read_unlock_irq', l, R, 'irq');
export const write_lock_irq = (l: RwLock): void => void wlock('write_lock_irq', 'irq')(l);
export const write_unlock_irq = (l: RwLock): void => unlockAs('write_unlock_irq', l, 0, 'irq');
export const read_lock_irqsave = (l: RwLock): number => rlock('read_lock_irqsave', 'irqsave')(l);
export const read_unlock_irqrestore = (l: RwLock, flags: number): void =>
  unlockAs('read_unlock_irqrestore', l, R, 'irqsave', flags);
export const write_lock_irqsave = (l: RwLock): number => wlock('write_lock_irqsave', 'irqsave')(l);
export const write_unlock_irqrestore = (l: RwLock, flags: number): void =>
  unlockAs('write_unlock_irqrestore', l, 0, 'irqsave', flags);
export const read_lock_bh = (l: RwLock): void => void rlock('read_lock_bh', 'bh')(l);
export const read_unlock_bh = (l: RwLock): void => unlockAs('read_unlock_bh', l, R, 'bh');
export const write_lock_bh = (l: RwLock): void => void wlock('write_lock_bh', 'bh')(l);
export const write_unlock_bh = (l: RwLock): void => unlockAs('write_unlock_bh', l, 0, 'bh');
export const read_trylock = (l: RwLock): number => trylockAs('read_trylock', l, readFlags());
export const write_trylock = (l: RwLock): number => trylockAs('write_trylock', l, 0);

/** rwlock_init(): the declared rwlock is already unlocked in every trial (initDeclared). */
export const rwlock_init = (l: RwLock): void => initDeclared('rwlock_init', l);
