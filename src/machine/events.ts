/**
 * The event record: the one seam between what runs (kernel API, machine) and what judges
 * (detectors, reports). Every kernel call appends one or more fixed-size records of Int32 words
 * to the trial's event log in the SharedArrayBuffer; detectors read them straight from there.
 *
 * A record is EV_WORDS words wide; the F_* constants name its fields.
 */

export const EV_WORDS = 13;

/** Field offsets inside one event record. */
export const F_SEQ = 0; //    index of the event in its trial (0, 1, 2 …)
export const F_CPU = 1; //    CPU the event happened on
export const F_CTX = 2; //    Ctx.* of the running context (task, hardirq, softirq)
export const F_OP = 3; //     Op.*
export const F_OBJ = 4; //    object id from the scenario layout, or -1
export const F_A = 5; //      first argument (value, new value, lock flags, irq line …)
export const F_B = 6; //      second argument (old value, irq number …)
export const F_SITE = 7; //   call site id in the trial's string table, 0 when not captured
export const F_PCOUNT = 8; // preempt_count() when the event happened (kernel layout, see below)
export const F_FLAGS = 9; //  EvFlag.* bits: irqs disabled …
export const F_FN = 10; //    Kfn id: which kernel function the scenario called
export const F_TID = 11; //   pid of the task this context runs on behalf of
export const F_AGENT = 12; // agent whose stack the context is on (see AgentInfo in layout.ts)

/** Context kinds, as lockdep distinguishes them. */
export const Ctx = { TASK: 0, HARDIRQ: 1, SOFTIRQ: 2 } as const;
export type CtxKind = (typeof Ctx)[keyof typeof Ctx];
export const CTX_NAMES = ['task', 'hardirq', 'softirq'] as const;

/** Softirq numbers, the kernel's (SOFTIRQ_ENTER's F_A); TASKLET_SOFTIRQ is the machine's own. */
export const SOFTIRQ_NR = {
  HI_SOFTIRQ: 0,
  TIMER_SOFTIRQ: 1,
  NET_TX_SOFTIRQ: 2,
  NET_RX_SOFTIRQ: 3,
  BLOCK_SOFTIRQ: 4,
  IRQ_POLL_SOFTIRQ: 5,
  TASKLET_SOFTIRQ: 6,
  SCHED_SOFTIRQ: 7,
  HRTIMER_SOFTIRQ: 8,
  RCU_SOFTIRQ: 9,
} as const;
export const NR_SOFTIRQS = 10;

/** F_FLAGS bits. */
export const EvFlag = {
  IRQS_DISABLED: 1,
} as const;

/**
 * preempt_count() layout, the kernel's own: a spinlock adds PREEMPT_OFFSET, local_bh_disable
 * adds SOFTIRQ_DISABLE_OFFSET, running a softirq adds SOFTIRQ_OFFSET, hardirq entry adds
 * HARDIRQ_OFFSET. in_atomic() is preempt_count() != 0.
 */
export const PREEMPT_OFFSET = 1;
export const PREEMPT_MASK = 0xff;
export const SOFTIRQ_OFFSET = 1 << 8;
export const SOFTIRQ_DISABLE_OFFSET = 2 * SOFTIRQ_OFFSET;
export const SOFTIRQ_MASK = 0xff00;
export const HARDIRQ_OFFSET = 1 << 16;
export const HARDIRQ_MASK = 0xf0000;

/** Operations. Lock operations carry LockFlag bits in F_A. */
export const Op = {
  TASK_START: 1, //      a task begins (F_TID its pid)
  TASK_END: 2, //        a task returned (F_A = 1 if it threw)
  LOCK_ACQUIRE: 3, //    a lock was taken (F_A LockFlag bits, subclass in bits 4-7; F_B its held slot)
  LOCK_CONTENDED: 4, //  the lock is busy: the context now waits for it (lockdep validates here)
  LOCK_RELEASE: 5, //    a lock was released (F_A LockFlag bits; F_B the held slot it left)
  TRYLOCK_FAILED: 6, //  a trylock found the lock busy and returned 0
  IRQ_ENTER: 7, //       hardirq handler entry (F_A irq line index, F_B irq number)
  IRQ_EXIT: 8, //        hardirq handler exit (F_A line index, F_B handler return value)
  IRQS_OFF: 9, //        irqs disabled on this CPU (F_A 1 when they were already off)
  IRQS_ON: 10, //        irqs enabled on this CPU (F_A 1 when they were already on)
  BH_DISABLE: 11, //     local_bh_disable and friends
  BH_ENABLE: 12,
  PREEMPT_DISABLE: 13,
  PREEMPT_ENABLE: 14,
  MEM_READ: 15, //       plain read of a shared cell (F_A value)
  MEM_WRITE: 16, //      plain write (F_A new value, F_B old value)
  MEM_READ_ONCE: 17, //  READ_ONCE (marked, never a data race by itself)
  MEM_WRITE_ONCE: 18, // WRITE_ONCE
  ATOMIC_READ: 19, //    atomic_read, or a failed conditional RMW (F_A value)
  ATOMIC_SET: 20, //     atomic_set (F_A new, F_B old)
  ATOMIC_RMW: 21, //     non-value-returning RMW (atomic_inc …): orders nothing (F_A new, F_B old)
  ATOMIC_RMW_ORDERED: 22, // value-returning RMW (atomic_inc_and_test …): fully ordered
  BUG: 23, //            BUG_ON fired: ends the trial
  WARN: 24, //           a warning (F_A site string, F_B its WarnReason, F_OBJ a lock or -1)
  SOFTIRQ_ENTER: 25, //  softirq/tasklet handler entry (F_A softirq nr or tasklet id)
  SOFTIRQ_EXIT: 26,
  SLEEP: 27, //          a call that may sleep was made (F_FN says which)
  BLOCK: 28, //          the context really blocks on a sleeping object (F_OBJ)
  WAKE: 29, //           a sleeping context was woken (F_A woken cpu, F_B woken pid)
  ALLOC: 30, //          kmalloc (F_A object handle, F_B gfp flags | its int fields << ALLOC_FIELDS_SHIFT)
  FREE: 31, //           kfree (F_A handle, F_B KfreeStatus | site id << KFREE_SITE_SHIFT)
  MARK: 32, //           free-form marker (barriers, smp_mb …) interpreted by F_FN
  KOBJ_READ: 33, //      read of a kmalloc object's field (F_A value, F_B kobjAddr(handle, field))
  KOBJ_WRITE: 34, //     write of one (F_A new value, F_B kobjAddr(handle, field))
  KASAN: 35, //          a bad heap access (F_A KasanBug | KASAN_WRITE | site id << KASAN_SITE_SHIFT, F_B kobjAddr)
  REFCOUNT_WARN: 36, //  refcount_warn_saturate() (F_OBJ the refcount, F_A RefcountSaturation, F_B site id)
  RCU_READ_LOCK: 37, //  a read-side critical section begins or nests (F_A the agent's new depth)
  RCU_READ_UNLOCK: 38, // it ends or unnests (F_A the new depth)
  RCU_WARN: 39, //       lockdep_rcu_suspicious() (F_A RcuWarning, F_B site id)
  STORE_VISIBLE: 40, //  a weak memory model's buffered store drained (F_OBJ location, F_A value, F_B its CPU)
} as const;
export type OpCode = (typeof Op)[keyof typeof Op];
export const OP_NAMES: Record<number, string> = Object.fromEntries(
  Object.entries(Op).map(([k, v]) => [v, k.toLowerCase()]),
);

/** Lock flag bits (F_A of lock events). */
export const LockFlag = {
  READ: 1, //        shared (reader) acquisition
  RECURSIVE: 2, //   recursive reader (read_lock in interrupt context, queued-rwlock rule)
  TRY: 4, //         trylock
  SUBCLASS_SHIFT: 4, // spin_lock_nested subclass, 0-7, in bits 4-6
  SUBCLASS_MASK: 0x70,
  IRQ: 0x100, //     _irq variant (disables irqs)
  IRQSAVE: 0x200, // _irqsave variant
  BH: 0x400, //      _bh variant
  NOT_HELD: 0x800, // release of a lock the releasing context did not hold
} as const;

/** FREE's F_B, low bits: what kfree found (KASAN's verdict); above them the call site's id. */
export const KfreeStatus = { OK: 0, INVALID: 1, DOUBLE: 2, MASK: 3 } as const;
export const KFREE_SITE_SHIFT = 2;

/** ALLOC's F_B: the gfp mask (16 bits), the object's size in ints above it. */
export const ALLOC_FIELDS_SHIFT = 16;
export const GFP_MASK = 0xffff;

/** A kmalloc object's field as one number: the race detector's cell and KASAN's address. */
export const kobjAddr = (handle: number, field: number): number => handle * 256 + Math.min(Math.max(field, 0), 255);
export const kobjHandle = (addr: number): number => Math.floor(addr / 256);
export const kobjField = (addr: number): number => addr % 256;

/** KASAN's F_A: what was wrong with the access, whether it wrote, and the call site above. */
export const KasanBug = { USE_AFTER_FREE: 1, OUT_OF_BOUNDS: 2, MASK: 3 } as const;
export const KASAN_WRITE = 4;
export const KASAN_SITE_SHIFT = 3;

/** RCU_WARN's F_A: which RCU_LOCKDEP_WARN fired. */
export const RcuWarning = { DEREFERENCE: 1, DEREFERENCE_PROTECTED: 2, SYNCHRONIZE_IN_READER: 3 } as const;

/** REFCOUNT_WARN's F_A: lib/refcount.c's enum refcount_saturation_type. */
export const RefcountSaturation = { ADD_NOT_ZERO_OVF: 0, ADD_OVF: 1, ADD_UAF: 2, SUB_UAF: 3, DEC_LEAK: 4 } as const;

export function lockSubclass(flags: number): number {
  return (flags & LockFlag.SUBCLASS_MASK) >> LockFlag.SUBCLASS_SHIFT;
}

/** Why a WARN event was raised (its F_B): each reason is its own finding kind. */
export const WarnReason = {
  WARN_ON: 0,
  /** lockdep_assert_held() and friends (lockdep-assert) */
  LOCKDEP_ASSERT: 1,
  /** CONFIG_DEBUG_PREEMPT: a per-CPU access in preemptible code (preemptible-cpu-access) */
  DEBUG_PREEMPT: 2,
} as const;

/** The operations of the atomic64_t and atomic_long_t families (kernel/atomic64.ts). */
export const WIDE_ATOMIC_OPS = (
  'read set add sub inc dec inc_and_test dec_and_test sub_and_test add_return sub_return inc_return dec_return ' +
  'fetch_add fetch_sub xchg cmpxchg add_unless inc_not_zero'
).split(' ');

/**
 * Kernel function ids (F_FN). The table is append-only so that ids in recorded events stay
 * stable; reports print `KFN_NAMES[id]`.
 */
export const KFN_NAMES = [
  '?',
  'task',
  'spin_lock',
  'spin_unlock',
  'spin_trylock',
  'spin_lock_irq',
  'spin_unlock_irq',
  'spin_lock_irqsave',
  'spin_unlock_irqrestore',
  'spin_lock_bh',
  'spin_unlock_bh',
  'spin_lock_nested',
  'spin_is_locked',
  'read_lock',
  'read_unlock',
  'write_lock',
  'write_unlock',
  'read_lock_irq',
  'read_unlock_irq',
  'write_lock_irq',
  'write_unlock_irq',
  'read_lock_irqsave',
  'read_unlock_irqrestore',
  'write_lock_irqsave',
  'write_unlock_irqrestore',
  'read_lock_bh',
  'read_unlock_bh',
  'write_lock_bh',
  'write_unlock_bh',
  'read_trylock',
  'write_trylock',
  'atomic_set',
  'atomic_read',
  'atomic_add',
  'atomic_sub',
  'atomic_inc',
  'atomic_dec',
  'atomic_inc_and_test',
  'atomic_dec_and_test',
  'atomic_sub_and_test',
  'atomic_add_return',
  'atomic_sub_return',
  'atomic_inc_return',
  'atomic_dec_return',
  'atomic_add_unless',
  'atomic_inc_not_zero',
  'atomic_cmpxchg',
  'atomic_xchg',
  'atomic_fetch_add',
  'read',
  'write',
  'READ_ONCE',
  'WRITE_ONCE',
  'local_irq_disable',
  'local_irq_enable',
  'local_irq_save',
  'local_irq_restore',
  'local_bh_disable',
  'local_bh_enable',
  'preempt_disable',
  'preempt_enable',
  'BUG_ON',
  'WARN_ON',
  'irq_handler',
  'smp_store_release',
  'smp_load_acquire',
  'smp_mb',
  'smp_wmb',
  'smp_rmb',
  'down',
  'up',
  'down_interruptible',
  'down_killable',
  'down_trylock',
  'down_timeout',
  'mutex_lock',
  'mutex_unlock',
  'mutex_trylock',
  'mutex_lock_interruptible',
  'mutex_lock_killable',
  'msleep',
  'schedule',
  'might_sleep',
  'cond_resched',
  'udelay',
  'mdelay',
  'schedule_timeout',
  'kmalloc',
  'kzalloc',
  'kfree',
  'copy_to_user',
  'copy_from_user',
  'request_irq',
  'free_irq',
  'raise_softirq',
  'tasklet_schedule',
  'softirq',
  'wake_up',
  'schedule_work',
  'flush_work',
  'process_one_work',
  'worker_thread',
  'init_waitqueue_head',
  'wait_event',
  'wait_event_interruptible',
  'wait_event_timeout',
  'wake_up_all',
  'wake_up_interruptible',
  'prepare_to_wait',
  'finish_wait',
  'set_current_state',
  '__set_current_state',
  'wake_up_process',
  'init_completion',
  'reinit_completion',
  'complete',
  'complete_all',
  'wait_for_completion',
  'wait_for_completion_timeout',
  'wait_for_completion_interruptible',
  'try_wait_for_completion',
  'completion_done',
  'waitqueue_active',
  // heap objects and reference counts
  'kobj_read',
  'kobj_write',
  'refcount_set',
  ...(
    'refcount_read refcount_inc refcount_dec refcount_inc_not_zero refcount_dec_and_test refcount_add ' +
    'kref_init kref_read kref_get kref_put kref_get_unless_zero'
  ).split(' '),
  // RCU
  ...(
    'rcu_read_lock rcu_read_unlock rcu_read_lock_bh rcu_read_unlock_bh rcu_read_lock_sched rcu_read_unlock_sched ' +
    'synchronize_rcu rcu_assign_pointer rcu_dereference rcu_dereference_protected rcu_access_pointer'
  ).split(' '),
  // timers and irq lines
  ...(
    'timer_setup mod_timer add_timer del_timer del_timer_sync timer_delete timer_delete_sync timer_pending ' +
    'call_timer_fn synchronize_irq'
  ).split(' '),
  // lockdep annotations and raw spinlocks
  'lockdep_assert_held',
  'lockdep_assert_not_held',
  'lockdep_assert_irqs_disabled',
  'lockdep_assert_irqs_enabled',
  ...(
    'raw_spin_lock raw_spin_unlock raw_spin_trylock raw_spin_lock_irq raw_spin_unlock_irq raw_spin_lock_irqsave ' +
    'raw_spin_unlock_irqrestore raw_spin_lock_bh raw_spin_unlock_bh raw_spin_lock_nested raw_spin_is_locked'
  ).split(' '),
  'smp_processor_id',
  // bit operations, xchg/cmpxchg, wide atomics, call_rcu, seqlocks
  // bitops.ts, cmpxchg.ts
  ...(
    'set_bit clear_bit change_bit __set_bit __clear_bit test_bit test_and_set_bit test_and_clear_bit ' +
    'test_and_change_bit test_and_set_bit_lock clear_bit_unlock xchg cmpxchg'
  ).split(' '),
  // atomic64_* then atomic_long_*, each in the order of WIDE_ATOMIC_OPS
  ...['atomic64', 'atomic_long'].flatMap((family) => WIDE_ATOMIC_OPS.map((op) => `${family}_${op}`)),
  'call_rcu',
  'kfree_rcu',
  'rcu_do_batch',
  // seqlock.ts
  ...(
    'write_seqlock write_sequnlock write_seqlock_irq write_sequnlock_irq write_seqlock_irqsave ' +
    'write_sequnlock_irqrestore write_seqlock_bh write_sequnlock_bh read_seqbegin read_seqretry ' +
    'write_seqcount_begin write_seqcount_end read_seqcount_begin read_seqcount_retry'
  ).split(' '),
  // weak memory models: a buffered store becoming visible
  'store_visible',
  // per-CPU data (the __this_cpu_ names also stand for the op check_preemption_disabled() prints)
  ...['this_cpu', '__this_cpu'].flatMap((form) =>
    'read write add sub inc dec add_return inc_return'.split(' ').map((op) => `${form}_${op}`),
  ),
  // rwsem.ts, workqueue.ts, softirq.ts tasklets, wait.ts exclusive waiters
  ...(
    'down_read down_read_interruptible down_read_killable down_read_trylock up_read down_write down_write_killable down_write_trylock up_write downgrade_write ' +
    'queue_work queue_work_on cancel_work_sync cancel_work tasklet_kill tasklet_disable tasklet_disable_nosync tasklet_enable prepare_to_wait_exclusive wait_event_interruptible_exclusive'
  ).split(' '),
  // interrupt lines, threaded interrupts and kernel threads
  ...(
    'disable_irq disable_irq_nosync enable_irq request_threaded_irq irq_wake_thread irq_thread_fn ' +
    'kthread_run kthread kthread_stop kthread_should_stop'
  ).split(' '),
  // the busy-wait pause, more sleeps and fetch-ops, the _nested locks, more waits
  ...(
    'cpu_relax usleep_range msleep_interruptible atomic_fetch_sub atomic_fetch_inc atomic_fetch_dec ' +
    'mutex_lock_nested down_read_nested down_write_nested wait_for_completion_killable synchronize_rcu_expedited ' +
    'might_sleep_if lockdep_assert_held_write lockdep_assert_held_read kthread_create ' +
    'rcu_dereference_check RCU_INIT_POINTER atomic_or atomic_and atomic_andnot atomic_fetch_or atomic_fetch_and ' +
    'atomic_fetch_andnot tasklet_action'
  ).split(' '),
] as const;
export type KfnName = (typeof KFN_NAMES)[number];
const KFN_IDS = new Map<string, number>(KFN_NAMES.map((n, i) => [n, i]));

/** Id of a kernel function name; names added by later layers get ids on first use. */
export function kfn(name: string): number {
  const id = KFN_IDS.get(name);
  if (id === undefined) throw new Error(`unknown kernel function id: ${name}`);
  return id;
}

/** A read-only view of one trial's event log. */
export class EventLog {
  constructor(
    readonly words: Int32Array,
    readonly length: number,
  ) {}
  field(i: number, f: number): number {
    return this.words[i * EV_WORDS + f]!;
  }
  op(i: number): number {
    return this.words[i * EV_WORDS + F_OP]!;
  }
  /** Copy the log out of the shared buffer (for shipping to another thread or keeping). */
  copy(): EventLog {
    return new EventLog(this.words.slice(0, this.length * EV_WORDS), this.length);
  }
}
