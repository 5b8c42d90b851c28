/**
 * Lockdep annotations (include/linux/lockdep.h): assertions code makes about its own locking.
 * As in the kernel, a failed assertion is a WARN at the caller's line and the code goes on; the
 * WARN event carries the lock (or -1) so the report names what was asserted.
 */
import { LockFlag, Op, WarnReason, kfn } from '../machine/events.ts';
import { captureSite } from '../machine/call-site.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';
import { checkKind, type RawSpinlock, type RwLock, type Spinlock } from './objects.ts';
import type { Mutex } from './mutex.ts';
import type { RwSemaphore } from './rwsem.ts';

/** The subclass of the inner lock of a two-deep nesting of one class (spin_lock_nested). */
export const SINGLE_DEPTH_NESTING = 1;

/** A lock lockdep tracks with an owner. */
export type OwnedLock = Spinlock | RawSpinlock | RwLock | Mutex | RwSemaphore;

/** WARN at the caller's line with the lockdep assertion `fn` as its reason. */
function assertFailed(rt: CpuRuntime, obj: number, fn: string): void {
  rt.emit(Op.WARN, obj, rt.strings.intern(captureSite(), rt.localTrial), WarnReason.LOCKDEP_ASSERT, kfn(fn));
}

function assertHeld(name: string, lock: OwnedLock, want: boolean): void {
  const rt = thisCpu(name);
  const id = checkKind(rt, lock, name);
  // no scheduling point: an assertion reads only this context's own held-lock stack
  if (rt.holds(id) !== want) assertFailed(rt, id, name);
}

/** WARN unless the calling context holds `lock`. */
export const lockdep_assert_held = (lock: OwnedLock): void => assertHeld('lockdep_assert_held', lock, true);
/** WARN when the calling context holds `lock`. */
export const lockdep_assert_not_held = (lock: OwnedLock): void => assertHeld('lockdep_assert_not_held', lock, false);

/** WARN unless the calling context holds `lock` for writing (lockdep_is_held_type(lock, 0)). */
export const lockdep_assert_held_write = (lock: OwnedLock): void => assertHeldAs('lockdep_assert_held_write', lock, 0);
/** WARN unless the calling context holds `lock` for reading (read_lock, down_read). */
export const lockdep_assert_held_read = (lock: OwnedLock): void =>
  assertHeldAs('lockdep_assert_held_read', lock, LockFlag.READ);

function assertHeldAs(name: string, lock: OwnedLock, read: number): void {
  const rt = thisCpu(name);
  const id = checkKind(rt, lock, name);
  const flags = rt.locks.heldFlags(id);
  if (flags < 0 || (flags & LockFlag.READ) !== read) assertFailed(rt, id, name);
}

/** Whether the calling context holds `lock`: the condition of rcu_dereference_protected() and kin. */
export function lockdep_is_held(lock: OwnedLock): boolean {
  const rt = thisCpu('lockdep_is_held');
  return rt.holds(checkKind(rt, lock, 'lockdep_is_held'));
}

/** WARN unless local interrupts are off. */
export function lockdep_assert_irqs_disabled(): void {
  const rt = thisCpu('lockdep_assert_irqs_disabled');
  if (!rt.irqsDisabled()) assertFailed(rt, -1, 'lockdep_assert_irqs_disabled');
}

/** WARN unless local interrupts are on. */
export function lockdep_assert_irqs_enabled(): void {
  const rt = thisCpu('lockdep_assert_irqs_enabled');
  if (rt.irqsDisabled()) assertFailed(rt, -1, 'lockdep_assert_irqs_enabled');
}
