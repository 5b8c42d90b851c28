/**
 * What a lock's words mean, per lock type. Adding a lock type to the machine is one entry
 * here: whether a context may take it now, taking it, releasing it, and the bookkeeping of a
 * waiter (queued-rwlock fairness needs to know that a writer waits).
 *
 * Words (see O in layout.ts): spinlock WORD = owner cpu+1.
 * rwlock WORD = readers, OWNER = writer cpu+1, AUX = writers waiting.
 * mutex WORD = owner pid. semaphore WORD = count, AUX = waiters, then the waiters' keys in
 * FIFO order (wait.ts), so that `up` lets the longest waiter through first.
 *
 * `flags` of canTake/waitBegin/waitEnd is the waiter's CX.WAIT_FLAGS while it waits (LockFlag
 * bits plus its waiter key), plain LockFlag bits otherwise.
 */
import { LockFlag } from './events.ts';
import { O, type ObjectInfo } from './layout.ts';
import { waitKeyOf } from './wait.ts';
import type { ObjectKind } from './declarations.ts';

export interface LockWordOps {
  canTake(m: Int32Array, at: number, flags: number): boolean;
  take(m: Int32Array, at: number, flags: number, cpu: number, pid: number): void;
  /** returns false when the lock was not held at all */
  release(m: Int32Array, at: number, flags: number): boolean;
  waitBegin?(m: Int32Array, at: number, flags: number): void;
  waitEnd?(m: Int32Array, at: number, flags: number): void;
  /** initial words at trial start */
  reset(m: Int32Array, at: number, info: ObjectInfo): void;
  /** a waiter sleeps (BLOCK event) rather than spins */
  readonly sleeps?: boolean;
  /** false: no owner (a counting semaphore): never on a held-lock stack */
  readonly owned?: boolean;
}

const spinlock: LockWordOps = {
  canTake: (m, at) => Atomics.load(m, at + O.WORD) === 0,
  take(m, at, _flags, cpu) {
    if (Atomics.compareExchange(m, at + O.WORD, 0, cpu + 1) !== 0) throw new Error('spinlock taken while busy');
  },
  release: (m, at) => Atomics.exchange(m, at + O.WORD, 0) !== 0,
  reset(m, at) {
    m[at + O.WORD] = 0;
  },
};

/**
 * Queued rwlock: a reader in process context queues behind a waiting writer (so read_lock
 * recursion in process context can deadlock); a reader in interrupt context (RECURSIVE) only
 * waits while a writer holds the lock.
 */
const rwlock: LockWordOps = {
  canTake(m, at, flags) {
    if (flags & LockFlag.READ) {
      if (Atomics.load(m, at + O.OWNER) !== 0) return false;
      return (flags & LockFlag.RECURSIVE) !== 0 || Atomics.load(m, at + O.AUX) === 0;
    }
    return Atomics.load(m, at + O.WORD) === 0 && Atomics.load(m, at + O.OWNER) === 0;
  },
  take(m, at, flags, cpu) {
    if (flags & LockFlag.READ) Atomics.add(m, at + O.WORD, 1);
    else Atomics.store(m, at + O.OWNER, cpu + 1);
  },
  release(m, at, flags) {
    if (flags & LockFlag.READ) {
      if (Atomics.load(m, at + O.WORD) <= 0) return false;
      Atomics.sub(m, at + O.WORD, 1);
      return true;
    }
    return Atomics.exchange(m, at + O.OWNER, 0) !== 0;
  },
  waitBegin(m, at, flags) {
    if (!(flags & LockFlag.READ)) Atomics.add(m, at + O.AUX, 1);
  },
  waitEnd(m, at, flags) {
    if (!(flags & LockFlag.READ)) Atomics.sub(m, at + O.AUX, 1);
  },
  reset(m, at) {
    m[at + O.WORD] = 0;
    m[at + O.OWNER] = 0;
    m[at + O.AUX] = 0;
  },
};

const mutex: LockWordOps = {
  canTake: (m, at) => Atomics.load(m, at + O.WORD) === 0,
  take(m, at, _flags, _cpu, pid) {
    if (Atomics.compareExchange(m, at + O.WORD, 0, pid || -1) !== 0) throw new Error('mutex taken while busy');
  },
  release: (m, at) => Atomics.exchange(m, at + O.WORD, 0) !== 0,
  reset(m, at) {
    m[at + O.WORD] = 0;
  },
  sleeps: true,
};

/** a semaphore's FIFO of waiter keys follows its common words */
const SEM_QUEUE = O.WORDS;

const semaphore: LockWordOps = {
  canTake(m, at, flags) {
    if (Atomics.load(m, at + O.WORD) <= 0) return false;
    const key = waitKeyOf(flags);
    return key === 0 ? m[at + O.AUX] === 0 : m[at + SEM_QUEUE] === key;
  },
  take(m, at) {
    Atomics.sub(m, at + O.WORD, 1);
  },
  release(m, at) {
    Atomics.add(m, at + O.WORD, 1);
    return true;
  },
  waitBegin(m, at, flags) {
    const n = m[at + O.AUX]!;
    m[at + SEM_QUEUE + n] = waitKeyOf(flags);
    m[at + O.AUX] = n + 1;
  },
  waitEnd(m, at, flags) {
    const n = m[at + O.AUX]!;
    const q = at + SEM_QUEUE;
    const i = m.subarray(q, q + n).indexOf(waitKeyOf(flags));
    if (i < 0) return;
    m.copyWithin(q + i, q + i + 1, q + n);
    m[at + O.AUX] = n - 1;
  },
  reset(m, at, info) {
    m[at + O.WORD] = info.init;
    m[at + O.AUX] = 0;
  },
  sleeps: true,
  owned: false,
};

/**
 * Things one only waits for (never takes): a work item until it is neither pending nor running
 * (flush_work), a kworker's queue until it holds work.
 */
const waitOnly = (canTake: (m: Int32Array, at: number) => boolean): LockWordOps => ({
  canTake,
  take() {},
  release: () => false,
  reset(m, at, info) {
    for (let i = 0; i < info.words; i++) m[at + i] = 0;
  },
  sleeps: true,
  owned: false,
});
/** WORK_PENDING | WORK_RUNNING, see workqueue.ts */
const WORK_BUSY = 3;
const work = waitOnly((m, at) => (m[at + O.WORD]! & WORK_BUSY) === 0);
const workqueue = waitOnly((m, at) => m[at + O.WORD]! > 0);

export const LOCK_WORDS: Partial<Record<ObjectKind, LockWordOps>> = { spinlock, rwlock, mutex, semaphore, work, workqueue };

export function lockWords(kind: ObjectKind): LockWordOps {
  const ops = LOCK_WORDS[kind];
  if (!ops) throw new Error(`a ${kind} is not a lock`);
  return ops;
}

/** Reset any object's words at trial start. */
export function resetObject(m: Int32Array, info: ObjectInfo): void {
  const ops = LOCK_WORDS[info.kind];
  if (ops) {
    ops.reset(m, info.offset, info);
    return;
  }
  for (let i = 0; i < info.words; i++) m[info.offset + i] = 0;
  if (info.kind === 'percpu') for (let i = 0; i < info.words; i++) m[info.offset + i] = info.init;
  else m[info.offset + O.WORD] = info.init;
}
