/**
 * How lockdep sees each object kind, read from the machine's object-kind table: a kind with a
 * `lockdep` entry has its acquisitions validated and is kept on the held-lock stack; any other
 * is not a lock to lockdep.
 */
import { objectKind, type ObjectKind } from '../../machine/object-kinds.ts';

export interface LockType {
  /**
   * Has a lockdep map: its acquisitions are validated and it is kept on the held-lock stack.
   * A lock the kernel gives no owner to (a counting semaphore, released by whoever calls up())
   * cannot be on a per-context stack, so it is not validated, as in the kernel.
   */
  readonly validated: boolean;
  /** Can be taken shared (read_lock): LockFlag.READ / RECURSIVE mean something for it. */
  readonly readers: boolean;
  /** The class name of an instance declared under `key`. */
  className(key: string): string;
}

const byKey = (key: string): string => key;
const NOT_A_LOCK: LockType = { validated: false, readers: false, className: byKey };
const VALIDATED: LockType = { validated: true, readers: false, className: byKey };
const VALIDATED_READERS: LockType = { validated: true, readers: true, className: byKey };

export function lockTypeOf(kind: ObjectKind): LockType {
  const l = objectKind(kind).lockdep;
  if (l?.className) return { validated: true, readers: l.readers, className: l.className };
  return !l ? NOT_A_LOCK : l.readers ? VALIDATED_READERS : VALIDATED;
}
