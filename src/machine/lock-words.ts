/**
 * What a lock's words mean, per lock type: whether a context may take it now, taking it,
 * releasing it, and the bookkeeping of a waiter (queued-rwlock fairness needs to know that a
 * writer waits). Each kind's entry in object-kinds.ts names its ops here.
 *
 * Words (see O in object-words.ts): spinlock WORD = owner cpu+1.
 * rwlock WORD = readers, OWNER = writer cpu+1, AUX = writers waiting.
 * mutex WORD = owner pid. semaphore WORD = count, AUX = waiters, then the waiters' keys in
 * FIFO order (wait.ts), so that `up` lets the longest waiter through first. rw_semaphore:
 * see rwsemWords.
 *
 * `flags` of canTake/waitBegin/waitEnd is the waiter's CX.WAIT_FLAGS while it waits (LockFlag
 * bits plus its waiter key), plain LockFlag bits otherwise.
 */
import { LockFlag } from './events.ts';
import { KTHREAD_EXITED, O, TASKLET_STATE_RUN, TASKLET_STATE_SCHED, TIMER_RUNNING, WORK_BUSY } from './object-words.ts';
import { waitKeyOf } from './wait.ts';

export interface LockWordOps {
  canTake(m: Int32Array, at: number, flags: number): boolean;
  take(m: Int32Array, at: number, flags: number, cpu: number, pid: number): void;
  /** returns false when the lock was not held at all */
  release(m: Int32Array, at: number, flags: number): boolean;
  waitBegin?(m: Int32Array, at: number, flags: number): void;
  waitEnd?(m: Int32Array, at: number, flags: number): void;
  /** downgrade_write(): its write hold becomes a read hold at once; false when not write-held */
  downgrade?(m: Int32Array, at: number): boolean;
}

export const spinlockWords: LockWordOps = {
  canTake: (m, at) => Atomics.load(m, at + O.WORD) === 0,
  take(m, at, _flags, cpu) {
    if (Atomics.compareExchange(m, at + O.WORD, 0, cpu + 1) !== 0) throw new Error('spinlock taken while busy');
  },
  release: (m, at) => Atomics.exchange(m, at + O.WORD, 0) !== 0,
};

/** Release of a reader-writer lock (rwlock, rwsem): WORD counts readers, OWNER is the writer. */
function readerWriterRelease(m: Int32Array, at: number, flags: number): boolean {
  if (flags & LockFlag.READ) {
    if (Atomics.load(m, at + O.WORD) <= 0) return false;
    Atomics.sub(m, at + O.WORD, 1);
    return true;
  }
  return Atomics.exchange(m, at + O.OWNER, 0) !== 0;
}

/**
 * Queued rwlock: a reader in process context queues behind a waiting writer (so read_lock
 * recursion in process context can deadlock); a reader in interrupt context (RECURSIVE) only
 * waits while a writer holds the lock.
 */
export const rwlockWords: LockWordOps = {
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
  release: readerWriterRelease,
  waitBegin(m, at, flags) {
    if (!(flags & LockFlag.READ)) Atomics.add(m, at + O.AUX, 1);
  },
  waitEnd(m, at, flags) {
    if (!(flags & LockFlag.READ)) Atomics.sub(m, at + O.AUX, 1);
  },
};

export const mutexWords: LockWordOps = {
  canTake: (m, at) => Atomics.load(m, at + O.WORD) === 0,
  take(m, at, _flags, _cpu, pid) {
    if (Atomics.compareExchange(m, at + O.WORD, 0, pid || -1) !== 0) throw new Error('mutex taken while busy');
  },
  release: (m, at) => Atomics.exchange(m, at + O.WORD, 0) !== 0,
};

/** a semaphore's (an rw_semaphore's) FIFO of waiters follows its common words; AUX counts them */
const SEM_QUEUE = O.WORDS;

function enqueue(m: Int32Array, at: number, entry: number): void {
  const n = m[at + O.AUX]!;
  m[at + SEM_QUEUE + n] = entry;
  m[at + O.AUX] = n + 1;
}

function dequeue(m: Int32Array, at: number, entry: number): void {
  const n = m[at + O.AUX]!;
  const q = at + SEM_QUEUE;
  const i = m.subarray(q, q + n).indexOf(entry);
  if (i < 0) return;
  m.copyWithin(q + i, q + i + 1, q + n);
  m[at + O.AUX] = n - 1;
}

export const semaphoreWords: LockWordOps = {
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
  waitBegin: (m, at, flags) => enqueue(m, at, waitKeyOf(flags)),
  waitEnd: (m, at, flags) => dequeue(m, at, waitKeyOf(flags)),
};

/**
 * rw_semaphore (kernel/locking/rwsem.c): WORD = readers holding it, OWNER = the writer's pid
 * (-1 for pid 0), AUX = waiters queued, then the waiters in FIFO order, each `key << 1 | writer`.
 * A writer takes it when nobody holds it and nobody waits ahead of it; a reader when no writer
 * holds it and no writer waits ahead of it. So a reader queues behind a waiting writer, as the
 * kernel's does (readers cannot starve a writer), and a reader asking again for a rwsem it
 * holds deadlocks behind a writer that came in between.
 */
const rwsemEntry = (flags: number): number => (waitKeyOf(flags) << 1) | (flags & LockFlag.READ ? 0 : 1);

export const rwsemWords: LockWordOps = {
  canTake(m, at, flags) {
    const reader = (flags & LockFlag.READ) !== 0;
    if (Atomics.load(m, at + O.OWNER) !== 0) return false;
    if (!reader && Atomics.load(m, at + O.WORD) !== 0) return false;
    const key = waitKeyOf(flags);
    const q = at + SEM_QUEUE;
    const n = m[at + O.AUX]!;
    for (let i = 0; i < n; i++) {
      const e = m[q + i]!;
      if (e >>> 1 === key) return true;
      if (!reader || (e & 1) !== 0) return false;
    }
    return true;
  },
  take(m, at, flags, _cpu, pid) {
    if (flags & LockFlag.READ) Atomics.add(m, at + O.WORD, 1);
    else Atomics.store(m, at + O.OWNER, pid || -1);
  },
  release: readerWriterRelease,
  waitBegin: (m, at, flags) => enqueue(m, at, rwsemEntry(flags)),
  waitEnd: (m, at, flags) => dequeue(m, at, rwsemEntry(flags)),
  downgrade(m, at) {
    if (Atomics.exchange(m, at + O.OWNER, 0) === 0) return false;
    Atomics.add(m, at + O.WORD, 1);
    return true;
  },
};

/**
 * Things one only waits for (never takes): a work item until it is neither pending nor running
 * (flush_work), a kworker's queue until it holds work, a tasklet out of the states in `flags`.
 */
const waitOnly = (canTake: (m: Int32Array, at: number, flags: number) => boolean): LockWordOps => ({
  canTake,
  take() {},
  release: () => false,
});
export const workWords = waitOnly((m, at) => (m[at + O.WORD]! & WORK_BUSY) === 0);
export const workqueueWords = waitOnly((m, at) => m[at + O.WORD]! > 0);
/**
 * synchronize_irq() waits while a handler of the line runs (WORD is the address of its ACTIVE
 * word) or its thread has work (AUX is threads_active).
 */
export const irqDescWords = waitOnly((m, at) => m[m[at + O.WORD]!] === 0 && m[at + O.AUX] === 0);
/** An irq thread sleeps until a primary handler wakes it (IRQTF_RUNTHREAD for some action). */
export const irqThreadWords = waitOnly((m, at) => m[at + O.WORD]! !== 0);
/** kthread_stop() waits until the thread has exited. */
export const kthreadWords = waitOnly((m, at) => (m[at + O.WORD]! & KTHREAD_EXITED) !== 0);
/**
 * tasklet_kill() and tasklet_disable() wait while the tasklet is in the states `flags` names
 * (TASKLET_STATE_SCHED and/or TASKLET_STATE_RUN: queued, running).
 */
export const taskletWords = waitOnly(
  (m, at, flags) => (m[at + O.WORD]! & flags & (TASKLET_STATE_SCHED | TASKLET_STATE_RUN)) === 0,
);
/** del_timer_sync() waits while the timer's callback runs (on another CPU). */
export const timerWords = waitOnly((m, at) => (m[at + O.WORD]! & TIMER_RUNNING) === 0);

/**
 * seqlock_t: WORD is its spinlock (the writers' side), AUX its sequence count. A reader
 * (LockFlag.READ) waits in read_seqbegin while a writer is inside, the count odd; a writer
 * takes the spinlock. seqcount_t: WORD is the count, and only readers wait.
 */
const seqEven = (m: Int32Array, at: number): boolean => (Atomics.load(m, at) & 1) === 0;
export const seqlockWords: LockWordOps = {
  canTake: (m, at, flags) => (flags & LockFlag.READ ? seqEven(m, at + O.AUX) : spinlockWords.canTake(m, at, flags)),
  take: spinlockWords.take,
  release: spinlockWords.release,
};
export const seqcountWords = waitOnly((m, at) => seqEven(m, at + O.WORD));

/**
 * A completion (include/linux/completion.h): WORD is `done`. A waiter may go on while done > 0
 * and consumes one; complete() adds one; complete_all() sets COMPLETION_ALL, which no waiter
 * consumes (the kernel's UINT_MAX).
 */
export const COMPLETION_ALL = 0x7fffffff;
export const completionWords: LockWordOps = {
  canTake: (m, at) => Atomics.load(m, at + O.WORD) > 0,
  take(m, at) {
    if (Atomics.load(m, at + O.WORD) !== COMPLETION_ALL) Atomics.sub(m, at + O.WORD, 1);
  },
  release(m, at) {
    if (Atomics.load(m, at + O.WORD) !== COMPLETION_ALL) Atomics.add(m, at + O.WORD, 1);
    return true;
  },
};

/**
 * A task's state (include/linux/sched.h): WORD is 0 for TASK_RUNNING, else the state it set
 * before schedule(). schedule() waits until it is running again; a wake-up (try_to_wake_up)
 * is its release, setting it back to running, whether or not the task already sleeps.
 */
export const taskStateWords: LockWordOps = {
  canTake: (m, at) => Atomics.load(m, at + O.WORD) === 0,
  take() {},
  release: (m, at) => Atomics.exchange(m, at + O.WORD, 0) !== 0,
};
