/**
 * The object kinds: one entry per kind of object a scenario can declare, saying everything the
 * rest of the machine and the detectors need to know about it — how many words it takes and
 * what they hold at trial start, what its words mean to a context taking or waiting for it,
 * whether it has an owner, how lockdep sees it, whether waiting for it sleeps, and which kernel
 * calls accept it. The layout, the runtime's acquire/release, lockdep, might-sleep and the race
 * detector read this table; none of them names a kind to decide how to treat it.
 *
 * A new kernel primitive is three things: its kernel API file under src/kernel (the calls,
 * through the machine's doors), its entry here, and its tests. Nothing else changes.
 *
 * Its calls also declare their dependency footprint, so that DPOR stays sound: each call's
 * scheduling point says which object it touches and whether it changes it,
 * `rt.point(id, Access.READ | Access.WRITE)` (Access.NONE for a call on no shared object; no
 * argument, Access.ANY, when it touches several or the machine's own words). What the
 * footprints mean and how steps are judged dependent: src/sched/footprint.ts.
 */
import { CTX_MAX } from './capacities.ts';
import {
  mutexWords,
  rwlockWords,
  semaphoreWords,
  spinlockWords,
  timerWords,
  irqDescWords,
  irqThreadWords,
  kthreadWords,
  workqueueWords,
  workWords,
  type LockWordOps,
} from './lock-words.ts';
import { completionWords, taskStateWords } from './lock-words.ts';
import { seqcountWords, seqlockWords } from './lock-words.ts';
import { rwsemWords, taskletWords } from './lock-words.ts';
import { O } from './object-words.ts';
import { rcuGpWords, rcuStateWords, resetRcuState } from './rcu.ts';
import { WIDE_WORDS, resetWide } from './cells.ts';

/** What an instance's size may depend on. */
export interface KindShape {
  readonly ncpus: number;
  readonly nagents: number;
}

/** An instance as the table sees it at trial start. */
export interface KindInstance {
  readonly offset: number;
  readonly words: number;
  /** the declared initial value (atomic(v), semaphore(n) …) */
  readonly init: number;
}

/** How lockdep sees a kind whose acquisitions it validates. */
export interface LockdepType {
  /** Can be taken shared (read_lock): LockFlag.READ / RECURSIVE mean something for it. */
  readonly readers: boolean;
  /** Its class name, when not its state key (the kernel names a work's map after INIT_WORK's argument). */
  className?(key: string): string;
}

export interface ObjectKindEntry {
  /** Words of one instance: the common O.* words, and whatever the kind adds after them. */
  words(shape: KindShape): number;
  /** Its words at trial start. */
  reset(m: Int32Array, o: KindInstance): void;
  /** What its words mean to a context taking it or waiting for it; absent: nobody waits on it. */
  readonly lock?: LockWordOps;
  /** A holder keeps it on its held-lock stack until it releases it (a counting semaphore has no owner). */
  readonly owned: boolean;
  /**
   * Lockdep validates its acquisitions as a lock class. A lock with no owner cannot be on a
   * per-context stack, so it is not validated, as in the kernel; a sleeping lock enters the graph
   * like a spinlock (sleeping in atomic context is might-sleep's business).
   */
  readonly lockdep?: LockdepType;
  /** A waiter sleeps (a BLOCK event) rather than spins. */
  readonly sleeps: boolean;
  /**
   * The kernel's debug option checks that its unlocker owns it, warning with this condition
   * (CONFIG_DEBUG_MUTEXES: DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)).
   */
  readonly ownerWarning?: string;
  /** Its words are memory scenario code reads and writes (race candidates, KCSAN's business). */
  readonly memory: boolean;
  /** The kernel calls that accept it: any other call given it is a usage error. */
  readonly accepts: RegExp;
  /** Each declared instance is one per CPU (a per-CPU variable): the layout makes ncpus of them. */
  readonly perCpu?: boolean;
  /** Waiting for it is a kernel thread's idle loop (a kworker, an irq thread), not being stuck. */
  readonly idle?: boolean;
}

const zero = (m: Int32Array, o: KindInstance): void => void m.fill(0, o.offset, o.offset + o.words);
const initWord = (m: Int32Array, o: KindInstance): void => {
  zero(m, o);
  m[o.offset + O.WORD] = o.init;
};
const common = (): number => O.WORDS;

/** The lockdep calls every lock with an owner accepts (kernel/lockdep.ts). */
const LOCKDEP_CALLS = 'lockdep_assert_(?:not_held|held(?:_write|_read)?)|lockdep_is_held';
/** `accepts` of a lock kind: its own calls (anchored as they need), and the lockdep calls. */
const lockCalls = (own: string): RegExp => new RegExp(`^(?:${own}|(?:${LOCKDEP_CALLS})$)`);

export const OBJECT_KINDS = {
  spinlock: {
    words: common,
    reset: zero,
    lock: spinlockWords,
    owned: true,
    lockdep: { readers: false },
    sleeps: false,
    memory: false,
    accepts: lockCalls('(?:raw_)?spin_'),
  },
  rwlock: {
    words: common,
    reset: zero,
    lock: rwlockWords,
    owned: true,
    lockdep: { readers: true },
    sleeps: false,
    memory: false,
    accepts: lockCalls('(?:read|write)_(?:lock|unlock|trylock)|rwlock_init$'),
  },
  mutex: {
    words: common,
    reset: zero,
    lock: mutexWords,
    owned: true,
    lockdep: { readers: false },
    sleeps: true,
    memory: false,
    ownerWarning: 'DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)',
    accepts: lockCalls('mutex_'),
  },
  semaphore: {
    // + its FIFO of waiter keys, one per context that could wait
    words: (s) => O.WORDS + s.nagents * CTX_MAX,
    reset: initWord,
    lock: semaphoreWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^(down|down_interruptible|down_killable|down_timeout|down_trylock|up|sema_init)$/,
  },
  atomic: {
    words: common,
    reset: initWord,
    owned: false,
    sleeps: false,
    memory: true,
    // not the atomic_long_* family: a long is 64 bits (atomic64 below)
    accepts: /^(atomic_(?!long_)\w+|smp_store_release|smp_load_acquire)$/,
  },
  shared: {
    words: common,
    reset: initWord,
    owned: false,
    sleeps: false,
    memory: true,
    accepts:
      /^(read|write|READ_ONCE|WRITE_ONCE|smp_store_release|smp_load_acquire|rcu_assign_pointer|rcu_dereference|rcu_dereference_protected|rcu_dereference_check|rcu_access_pointer|RCU_INIT_POINTER|xchg|cmpxchg|(__)?(set|clear|change)_bit|test_bit|test_and_(set|clear|change)_bit(_lock)?|clear_bit_unlock)$/,
  },
  /** seqlock_t: a spinlock for its writers (lockdep sees that), and a sequence count (AUX) */
  seqlock: {
    words: common,
    reset: zero,
    lock: seqlockWords,
    owned: true,
    // its readers are seqcount_lockdep_reader_access()'s recursive reads (kernel/seqlock.ts)
    lockdep: { readers: true },
    sleeps: false,
    memory: false,
    accepts: /^(write_seq(un)?lock\w*|read_seq(begin|retry)|seqlock_init)$/,
  },
  /** seqcount_t: the sequence count alone; its writers serialise themselves */
  seqcount: {
    words: common,
    reset: zero,
    lock: seqcountWords,
    owned: false,
    sleeps: false,
    memory: false,
    accepts: /^((write|read)_seqcount_\w+|seqcount_init)$/,
  },
  /** atomic64_t and atomic_long_t (a long is 64 bits, as on a 64-bit kernel): cells.ts WIDE_WORDS */
  atomic64: {
    words: () => O.WORDS + WIDE_WORDS,
    reset: (m, o) => resetWide(m, o.offset, o.words, o.init),
    owned: false,
    sleeps: false,
    memory: true,
    accepts: /^atomic(64|_long)_\w+$/,
  },
  /**
   * DEFINE_PER_CPU: one instance per CPU (perCpu), each a plain int cell of its own, so the race
   * detector and DPOR tell CPU 0's copy from CPU 1's
   */
  percpu: {
    words: common,
    reset: initWord,
    owned: false,
    sleeps: false,
    memory: true,
    perCpu: true,
    accepts: /^((__)?this_cpu_\w+|per_cpu|get_cpu_var|put_cpu_var|READ_ONCE|WRITE_ONCE)$/,
  },
  tasklet: {
    // + TASKLET_COUNT, its disable depth
    words: () => O.WORDS + 1,
    reset: zero,
    lock: taskletWords,
    owned: false,
    sleeps: false,
    memory: false,
    accepts: /^tasklet_/,
  },
  /**
   * work_struct: queued on a CPU's kworker. Lockdep sees it as a map, as the kernel's
   * work->lockdep_map "(work_completion)(&w)": held around the work function by
   * process_one_work(), taken and dropped by flush_work() and cancel_work_sync().
   */
  work: {
    words: common,
    reset: zero,
    lock: workWords,
    owned: true,
    lockdep: { readers: false, className: (key) => `(work_completion)(&${key})` },
    sleeps: true,
    memory: false,
    accepts: /^(schedule_work|queue_work|queue_work_on|flush_work|cancel_work|cancel_work_sync|work_pending)$/,
  },
  // reference counts: an atomic word that saturates (the count is O.WORD)
  refcount: {
    words: common,
    reset: initWord,
    owned: false,
    sleeps: false,
    memory: true,
    accepts: /^refcount_/,
  },
  kref: {
    words: common,
    reset: initWord,
    owned: false,
    sleeps: false,
    memory: true,
    accepts: /^kref_/,
  },
  /** RCU's grace periods and readers: the machine's own, never declared (rcu.ts) */
  rcu_state: {
    words: (s) => rcuStateWords(s.nagents),
    reset: resetRcuState,
    lock: rcuGpWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^$/,
  },
  /** a CPU's kworker queue: the machine's own, never declared */
  workqueue: {
    words: common,
    reset: zero,
    lock: workqueueWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^$/,
    idle: true,
  },
  completion: {
    words: common,
    reset: initWord,
    lock: completionWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts:
      /^(init_completion|reinit_completion|complete|complete_all|completion_done|try_wait_for_completion|wait_for_completion\w*)$/,
  },
  wait_queue_head: {
    // + the agents waiting on it (prepare_to_wait … finish_wait), WORD counting them
    words: (s) => O.WORDS + s.nagents,
    reset: zero,
    owned: false,
    sleeps: false,
    memory: false,
    accepts: /^(init_waitqueue_head|wait_event\w*|wake_up\w*|prepare_to_wait\w*|finish_wait|waitqueue_active)$/,
  },
  /** each agent's task state (set_current_state, schedule, wake_up_process): the machine's own */
  task_state: {
    words: common,
    reset: zero,
    lock: taskStateWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^$/,
  },
  /**
   * an irq line's descriptor: the machine's own, one per line, never declared. WORD: the
   * address of the line's ACTIVE word; AUX: desc->threads_active (irq-thread.ts)
   */
  irq_desc: {
    words: common,
    reset: initWord,
    lock: irqDescWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^$/,
  },
  /** a threaded line's irq thread: WORD has a bit per action slot whose thread_fn is due */
  irq_thread: {
    words: common,
    reset: zero,
    lock: irqThreadWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^$/,
    idle: true,
  },
  /** a kthread's life (kthreads.ts): WORD KTHREAD_* bits, AUX its exit code */
  kthread: {
    words: common,
    reset: zero,
    lock: kthreadWords,
    owned: false,
    sleeps: true,
    memory: false,
    accepts: /^$/,
  },
  /**
   * timer_list: armed on a CPU, expired by that CPU's timer tick (a scheduler choice), its
   * callback run in TIMER_SOFTIRQ there. Lockdep sees it as a map, as the kernel's
   * timer->lockdep_map: held around the callback, taken and dropped by del_timer_sync.
   */
  timer: {
    words: common,
    reset: zero,
    lock: timerWords,
    owned: true,
    lockdep: { readers: false },
    sleeps: false,
    memory: false,
    accepts:
      /^(timer_setup|mod_timer|add_timer|del_timer|del_timer_sync|timer_delete|timer_delete_sync|timer_pending)$/,
  },
  /**
   * rw_semaphore: a sleeping reader-writer lock with FIFO waiters, a reader queued behind a
   * waiting writer. Lockdep sees its read holds as non-recursive readers, as the kernel does.
   */
  rw_semaphore: {
    // + its FIFO of waiters, one per context that could wait
    words: (s) => O.WORDS + s.nagents * CTX_MAX,
    reset: zero,
    lock: rwsemWords,
    owned: true,
    lockdep: { readers: true },
    sleeps: true,
    memory: false,
    accepts: lockCalls(
      '(?:init_rwsem|down_read_nested|down_write_nested|down_read|down_read_interruptible|down_read_killable|down_read_trylock|up_read|down_write|down_write_killable|down_write_trylock|up_write|downgrade_write|rwsem_is_locked)$',
    ),
  },
} as const satisfies Record<string, ObjectKindEntry>;

export type ObjectKind = keyof typeof OBJECT_KINDS;

export function objectKind(kind: ObjectKind): ObjectKindEntry {
  return OBJECT_KINDS[kind];
}

/** Its lock-words entry: the kind must be one a context can take or wait for. */
export function lockWords(kind: ObjectKind): LockWordOps {
  const ops = objectKind(kind).lock;
  if (!ops) throw new Error(`a ${kind} is not a lock`);
  return ops;
}

/** kind → kernel call → accepted (no key is built: this is on every call's path) */
const accepted = new Map<ObjectKind, Map<string, boolean>>();
/** Does kernel call `fn` accept an object of `kind`? (memoised) */
export function accepts(kind: ObjectKind, fn: string): boolean {
  let calls = accepted.get(kind);
  if (!calls) accepted.set(kind, (calls = new Map()));
  let ok = calls.get(fn);
  if (ok === undefined) calls.set(fn, (ok = objectKind(kind).accepts.test(fn)));
  return ok;
}

/** The kinds kernel call `fn` accepts, for a usage error's text ("a mutex", "a spinlock") */
export function kindsAccepting(fn: string): ObjectKind[] {
  return (Object.keys(OBJECT_KINDS) as ObjectKind[]).filter((k) => accepts(k, fn));
}
