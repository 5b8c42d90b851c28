/**
 * Which object kinds lockdep validates, and how. Every kind the machine emits lock events for
 * goes through this table, so a new lock kind is one entry here rather than a branch in the
 * checks.
 */
import type { ObjectKind } from '../../machine/declarations.ts';

export interface LockType {
  /**
   * Has a lockdep map: its acquisitions are validated and it is kept on the held-lock stack.
   * A lock the kernel gives no owner to (a counting semaphore, released by whoever calls up())
   * cannot be on a per-context stack, so it is not validated, as in the kernel.
   */
  readonly validated: boolean;
  /** Can be taken shared (read_lock): LockFlag.READ / RECURSIVE mean something for it. */
  readonly readers: boolean;
}

const NOT_A_LOCK: LockType = { validated: false, readers: false };

export const LOCK_TYPES: Readonly<Record<ObjectKind, LockType>> = {
  spinlock: { validated: true, readers: false },
  rwlock: { validated: true, readers: true },
  // A sleeping lock enters the graph like a spinlock: its dependencies and irq usage are the
  // same kind of fact (sleeping in atomic context is another detector's business).
  mutex: { validated: true, readers: false },
  semaphore: { validated: false, readers: false },
  atomic: NOT_A_LOCK,
  shared: NOT_A_LOCK,
  percpu: NOT_A_LOCK,
  tasklet: NOT_A_LOCK,
  work: NOT_A_LOCK,
  workqueue: NOT_A_LOCK,
};

export function lockTypeOf(kind: ObjectKind): LockType {
  return LOCK_TYPES[kind] ?? NOT_A_LOCK;
}
