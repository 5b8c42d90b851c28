/**
 * The exercise book: kernel locking rules, each with a buggy and a fixed scenario, a short
 * text (the rule, what goes wrong, the fix) and the verdicts `smpsim exercises --verify`
 * checks: the buggy variant must show every kind in `expect` (other findings may come too),
 * the fixed one must show none at all.
 *
 * Paths are relative to the package root.
 */
import type { FindingKind } from 'smpsim';

export interface Exercise {
  name: string;
  title: string;
  /** the kernel rule */
  rule: string;
  /** what goes wrong in the buggy variant */
  wrong: string;
  /** what the fixed variant does */
  fix: string;
  buggy: string;
  fixed: string;
  /** finding kinds the buggy variant must show, the one that tells the bug first */
  expect: FindingKind[];
}

const ex = (name: string, e: Omit<Exercise, 'name' | 'buggy' | 'fixed'>): Exercise => ({
  name,
  buggy: `exercises/${name}/buggy.ts`,
  fixed: `exercises/${name}/fixed.ts`,
  ...e,
});

export const EXERCISES: Exercise[] = [
  ex('lost-update', {
    title: 'i++ on a shared counter vs atomic_t',
    rule: 'A plain increment is a load and a store. Data written by several CPUs needs a lock or an atomic read-modify-write.',
    wrong: 'Both CPUs load the same value and both store value+1: one increment is lost.',
    fix: 'Make the counter an atomic_t and use atomic_inc().',
    expect: ['assertion', 'data-race'],
  }),
  {
    name: 'abba',
    title: 'ABBA deadlock and the lock-ordering fix',
    rule: 'Locks taken together must always be taken in the same order (Documentation/locking: "lock ordering").',
    wrong: 'CPU0 holds a and wants b while CPU1 holds b and wants a: neither can go on.',
    fix: 'Both CPUs take a before b.',
    buggy: 'exercises/abba.ts',
    fixed: 'exercises/abba-fixed.ts',
    expect: ['deadlock', 'circular-dependency'],
  },
  ex('three-lock-cycle', {
    title: 'a three-lock cycle over three CPUs',
    rule: 'A lock order must be a global order: any cycle of "held a, took b" across all code paths can deadlock, however many CPUs it takes.',
    wrong: 'a->b on CPU0, b->c on CPU1 and c->a on CPU2 close a cycle: each CPU holds the lock the next one wants.',
    fix: 'Order the locks a < b < c everywhere: CPU2 takes a before c.',
    expect: ['deadlock', 'circular-dependency'],
  }),
  ex('irq-lock-no-irqsave', {
    title: 'a lock shared with a hardirq handler, without irqsave',
    rule: "A lock that an interrupt handler takes must be taken with interrupts disabled everywhere else (spin_lock_irqsave), or the handler can interrupt its own CPU's holder.",
    wrong:
      'The eth0 interrupt arrives on the CPU that holds stats_lock; the handler spins on a lock its own CPU holds and will never release (lockdep calls this inconsistent {HARDIRQ-ON-W} -> {IN-HARDIRQ-W} usage).',
    fix: 'Process context uses spin_lock_irqsave/spin_unlock_irqrestore; the handler keeps spin_lock.',
    expect: ['deadlock', 'inconsistent-lock-state'],
  }),
  ex('up-irq-self-deadlock', {
    title: 'a spinlock on a uniprocessor hung by its own interrupt handler',
    rule: 'On one CPU a spinlock only protects against interrupts if interrupts are off while it is held.',
    wrong:
      'The uart interrupt arrives while the task holds dev_lock; the handler spins forever: there is no other CPU to release the lock.',
    fix: 'The task takes the lock with spin_lock_irq (or irqsave).',
    expect: ['deadlock', 'inconsistent-lock-state'],
  }),
  ex('softirq-hash-table', {
    title: 'a hash table shared by a softirq hook and a sysctl write',
    rule: 'Data shared with softirq or tasklet context is locked with spin_lock_bh (or irqsave) in process context.',
    wrong:
      'The NIC interrupt schedules the packet-hook tasklet; it runs on irq exit on the CPU whose sysctl write holds table_lock, and spins on it forever.',
    fix: 'The sysctl write takes the lock with spin_lock_bh: bottom halves cannot run on that CPU while it is held.',
    expect: ['deadlock', 'inconsistent-lock-state'],
  }),
  ex('sleep-in-irq', {
    title: 'sleeping in an interrupt handler: kmalloc(GFP_KERNEL)',
    rule: 'Interrupt handlers must not sleep: no down(), mutex_lock(), msleep() or GFP_KERNEL allocations.',
    wrong:
      'The dma handler calls kmalloc(GFP_KERNEL), which may sleep to reclaim memory: "BUG: sleeping function called from invalid context".',
    fix: 'Allocate with GFP_ATOMIC (which may fail instead of sleeping) and handle NULL, or defer the work to process context.',
    expect: ['sleep-in-atomic'],
  }),
  ex('defer-to-work', {
    title: 'sleeping in an interrupt handler: deferring to a work item',
    rule: 'What must sleep cannot run in an interrupt handler; the handler does the urgent part and defers the rest to process context (a work item).',
    wrong:
      'The sensor handler calls msleep(): "BUG: sleeping function called from invalid context", and on real hardware the CPU would schedule with irqs off.',
    fix: "The handler queues a work item with schedule_work(); the work runs on the CPU's kworker, in process context, where it may sleep.",
    expect: ['sleep-in-atomic'],
  }),
  ex('sleep-under-spinlock', {
    title: 'sleeping while holding a spinlock: copy_to_user',
    rule: 'A spinlock holder is atomic: no copy_to_user/copy_from_user (page faults sleep), no mutex_lock, no GFP_KERNEL.',
    wrong: 'read() holds dev_lock across copy_to_user, which may fault and sleep.',
    fix: 'Copy the data into a local buffer under the lock, drop the lock, then copy_to_user.',
    expect: ['sleep-in-atomic'],
  }),
  ex('request-irq-in-irq', {
    title: 'request_irq from interrupt context',
    rule: 'request_irq/free_irq allocate and may sleep: call them from process context (probe, open, remove).',
    wrong: 'The ctrl interrupt handler installs the rx handler with request_irq: sleeping in hardirq context.',
    fix: 'Install the handler at probe time, in process context.',
    expect: ['sleep-in-atomic'],
  }),
  ex('top-bottom-half', {
    title: 'top half / bottom half split',
    rule: 'The top half (hardirq) does the minimum and schedules the bottom half; what they share must be safe against both running at once on different CPUs.',
    wrong:
      'The top half bumps a plain pending count while the bottom half reads and clears it on another CPU: a data race that loses events.',
    fix: 'The top half does atomic_inc; the bottom half takes the whole count with atomic_xchg(pending, 0).',
    expect: ['data-race'],
  }),
  ex('shared-irq-line', {
    title: 'a shared IRQ line with two devices',
    rule: 'On an IRQF_SHARED line every handler is called; each returns IRQ_HANDLED only if its own device interrupted, IRQ_NONE otherwise.',
    wrong:
      'Device A\'s handler checks device B\'s status register, so when A interrupts both handlers answer IRQ_NONE: "irq 17: nobody cared".',
    fix: "Each handler checks its own device's status.",
    expect: ['spurious-irq'],
  }),
  ex('semaphore-in-irq', {
    title: 'a semaphore used as a mutex, and down_trylock in a handler',
    rule: 'down() sleeps when the semaphore is taken, so it is for process context only; an interrupt handler may use down_trylock(), which never sleeps.',
    wrong: 'The ctrl interrupt handler calls down() on the command semaphore: sleeping in interrupt context.',
    fix: 'The handler uses down_trylock() and leaves the command for later when the semaphore is busy.',
    expect: ['sleep-in-atomic', 'deadlock'],
  }),
  ex('refcount-release', {
    title: 'refcount release: atomic_dec_and_test vs decrement-then-read',
    rule: 'The release decision must be made by the same atomic operation that drops the reference.',
    wrong: 'Both users decrement, then both read 0 and both free the object: a double free.',
    fix: 'if (atomic_dec_and_test(&obj->refcount)) kfree(obj);',
    expect: ['assertion'],
  }),
  ex('get-unless-zero', {
    title: 'taking a reference unless zero: atomic_add_unless',
    rule: 'A lookup that may race with the final put takes its reference with atomic_inc_not_zero / atomic_add_unless(v, 1, 0) (kref_get_unless_zero).',
    wrong:
      'The lookup reads 1, the release drops the count to 0 and frees the object, then the lookup increments: it holds a reference to freed memory.',
    fix: 'atomic_add_unless(&refcount, 1, 0) tests and increments in one step.',
    expect: ['assertion'],
  }),
  ex('rwlock-irq-writer', {
    title: 'an rwlock read in an interrupt handler, written with irqs on',
    rule: 'If a handler takes the read side, the write side must disable interrupts (write_lock_irqsave); readers may keep read_lock.',
    wrong:
      "The interrupt arrives on the writer's CPU; the handler's read_lock waits for a writer that cannot run until the handler returns.",
    fix: 'The writer uses write_lock_irqsave/write_unlock_irqrestore.',
    expect: ['deadlock', 'inconsistent-lock-state'],
  }),
  ex('double-unlock', {
    title: 'double unlock',
    rule: 'Every lock is released exactly once, by its holder.',
    wrong:
      'An error path unlocks and falls through to the common exit, which unlocks again: "bad unlock balance detected!".',
    fix: 'One exit label that unlocks once (goto out_unlock).',
    expect: ['bad-unlock-balance'],
  }),
  ex('lock-held-at-exit', {
    title: 'a lock held when a task returns',
    rule: 'A task returns to user space holding no locks.',
    wrong: 'An early return on bad input leaves cfg_lock held: "lock held when returning to user space!".',
    fix: 'Every return path goes through the unlock.',
    expect: ['lock-held-at-exit'],
  }),
  ex('irq-state-leak', {
    title: 'interrupts left disabled on return',
    rule: 'Code that disables interrupts restores them on every path; prefer local_irq_save/local_irq_restore.',
    wrong: 'An early return skips local_irq_enable(): the task returns with interrupts off.',
    fix: 'local_irq_save on entry, local_irq_restore on every exit.',
    expect: ['irq-state-leak'],
  }),
  ex('lost-wakeup', {
    title: 'a lost wake-up: the condition tested before set_current_state()',
    rule: 'A sleeper sets its state (set_current_state, prepare_to_wait) before it tests the condition; the waker makes the condition true before it wakes.',
    wrong:
      'The wake-up lands between the test and set_current_state(): it finds the task running, and the task then sleeps forever ("blocked for more than 120 seconds").',
    fix: 'set_current_state(TASK_UNINTERRUPTIBLE), then test, then schedule(), in a loop; or wait_event().',
    expect: ['hung-task'],
  }),
  ex('completion-in-irq', {
    title: 'wait_for_completion() in an interrupt handler',
    rule: 'complete() never sleeps and is legal anywhere; wait_for_completion() sleeps, so only process context may call it.',
    wrong: 'The handler waits for a completion: sleeping in hardirq context.',
    fix: 'The handler calls complete(); the task that started the transfer waits for it.',
    expect: ['sleep-in-atomic'],
  }),
  // heap objects, reference counts and RCU
  ex('rcu-reader-free', {
    title: 'an RCU reader vs kfree() without a grace period',
    rule: 'An object an RCU reader may hold is freed only after a grace period: synchronize_rcu() (or kfree_rcu/call_rcu) between unpublishing and kfree.',
    wrong:
      'The reader fetches the old pointer; the updater publishes the new one and frees the old at once; the reader reads freed memory.',
    fix: 'rcu_assign_pointer(conf, new); synchronize_rcu(); kfree(old);',
    expect: ['use-after-free'],
  }),
  ex('refcount-get-put', {
    title: 'refcount_inc() in a lookup racing with the last put',
    rule: 'A lookup that can race with the final put takes its reference with refcount_inc_not_zero(); refcount_inc() is for callers that already hold one.',
    wrong:
      'The owner drops the count to 0 before unpublishing; the lookup finds the object, increments from 0 ("refcount_t: addition on 0; use-after-free.") and uses freed memory.',
    fix: 'if (!refcount_inc_not_zero(&obj->ref)) obj = NULL;',
    expect: ['refcount-warning', 'use-after-free'],
  }),
  ex('kref-release', {
    title: 'kref_get() racing with the release function',
    rule: 'A lookup through a table the release function unhashes from takes its reference with kref_get_unless_zero() (or release runs under the lookup lock: kref_put_lock).',
    wrong:
      'The last kref_put() hits 0 and calls release; before release unhashes the entry, a lookup finds it and takes a reference; release frees the entry under the lookup.',
    fix: 'if (!kref_get_unless_zero(&e->ref)) e = NULL;',
    expect: ['use-after-free'],
  }),
  ex('timer-process-lock', {
    title: 'a timer callback and process context share a lock',
    rule: "A timer callback runs in softirq context (TIMER_SOFTIRQ). A lock it shares with process context must be taken there with spin_lock_bh, so the timer cannot run on the holder's CPU.",
    wrong:
      'The timer expires on the CPU that holds stats_lock with plain spin_lock; its callback spins on a lock the code it interrupted holds: "inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage" or the reverse, whichever use lockdep saw first.',
    fix: 'Process context takes stats_lock with spin_lock_bh/spin_unlock_bh.',
    expect: ['inconsistent-lock-state'],
  }),
  ex('del-timer-sync-deadlock', {
    title: 'del_timer_sync under the lock its callback takes',
    rule: 'del_timer_sync() waits for a running callback, so it must not be called holding a lock the callback takes.',
    wrong:
      "CPU0 holds dev_lock and waits for the watchdog callback on CPU1, which waits for dev_lock. Lockdep reports the cycle through the timer's lockdep map on any run.",
    fix: 'Stop the timer first, then take dev_lock.',
    expect: ['circular-dependency', 'deadlock'],
  }),
  ex('free-irq-teardown', {
    title: 'free_irq teardown order',
    rule: 'Tear down in the reverse order of setup: free_irq() before freeing what the handler uses. free_irq() waits for a handler running on any CPU.',
    wrong: 'kfree() comes first; the handler, still installed, runs on CPU1 and uses the freed data.',
    fix: 'free_irq(), then kfree().',
    expect: ['assertion'],
  }),
  // seqlocks
  ex('seqlock-reader-retry', {
    title: 'a seqlock reader that does not retry',
    rule: 'A seqlock reader does not block writers: it reads inside do { seq = read_seqbegin(&sl); ... } while (read_seqretry(&sl, seq)), and uses what it read only once the loop ends.',
    wrong:
      'The writer updates sec and nsec while the reader reads them; without read_seqretry() the reader keeps the seconds of one update and the nanoseconds of the next.',
    fix: 'Loop until read_seqretry() returns false.',
    expect: ['assertion'],
  }),
  // threaded interrupts
  ex('threaded-irq', {
    title: 'sleeping in an interrupt handler: a threaded irq',
    rule: "A hardirq handler cannot sleep. Work that must (a transfer over I2C or SPI, a mutex) goes to a threaded handler: request_threaded_irq() runs thread_fn in the line's kernel thread, in process context.",
    wrong:
      'The touchscreen handler takes the I2C bus mutex and waits for the transfer in hardirq context: "BUG: sleeping function called from invalid context".',
    fix: 'request_threaded_irq(irq, NULL, ts_irq_thread, IRQF_ONESHOT, ...): the default primary handler wakes irq/45-touchscreen, which reads the touch and may sleep; the line stays masked until it is done.',
    expect: ['sleep-in-atomic'],
  }),
  // per-CPU access rules
  ex('smp-processor-id-preemptible', {
    title: 'smp_processor_id() in preemptible code',
    rule: 'The CPU number is only stable while the task cannot migrate: read and use it with preemption off (get_cpu()/put_cpu()), or use this_cpu_*().',
    wrong:
      'A task allowed on both CPUs calls smp_processor_id() with preemption on: "BUG: using smp_processor_id() in preemptible [00000000] code".',
    fix: 'get_cpu() before reading the CPU number, put_cpu() after its last use.',
    expect: ['preemptible-cpu-access'],
  }),
  ex('percpu-counter', {
    title: 'a per-CPU counter updated with preemption on',
    rule: 'A per-CPU variable belongs to the CPU the task is on only while it cannot be preempted: update it with one this_cpu_*() operation, or between get_cpu_var()/put_cpu_var().',
    wrong:
      'Between __this_cpu_read() and __this_cpu_write() a task is preempted by the other on its CPU, or moved to the other CPU: an increment is lost or lands on the wrong copy, and __this_cpu_*() in preemptible code is "BUG: using __this_cpu_read() in preemptible [00000000] code".',
    fix: 'this_cpu_inc(): one operation, safe against preemption and interrupts.',
    expect: ['preemptible-cpu-access', 'assertion', 'data-race'],
  }),
  // memory ordering (memory: 'weak': store buffers and reads of older stores)
  ex('mp-flag-release-acquire', {
    title: 'a flag published without a barrier',
    rule: 'Data published through a flag needs ordering on both sides: smp_store_release() of the flag, smp_load_acquire() of it (tools/memory-model, MP).',
    wrong:
      "Two WRITE_ONCE()s may become visible in either order: the consumer reads ready = 1 (CPU0's store, visible) and buf = 0 (CPU0's store of 42 still in CPU0's buffer).",
    fix: 'smp_store_release(&ready, 1) on the producer, smp_load_acquire(&ready) on the consumer.',
    expect: ['assertion'],
  }),
  ex('dekker-smp-mb', {
    title: 'Dekker without smp_mb()',
    rule: "A CPU that stores its own flag and then loads another CPU's needs smp_mb() between them: no weaker barrier orders a store before a later load (store buffering, SB).",
    wrong:
      "Each CPU's store still sits in its store buffer when it reads the other's flag: both read 0 and both enter.",
    fix: 'smp_mb() between the store and the load on both CPUs.',
    expect: ['assertion'],
  }),
  ex('wmb-without-rmb', {
    title: 'smp_wmb() without smp_rmb()',
    rule: 'smp_wmb() only orders the writer\'s stores; it pairs with smp_rmb() (or an acquire) between the reader\'s loads (Documentation/memory-barriers.txt, "SMP barrier pairing").',
    wrong: 'The reader sees head = 1 and still reads an older slot: its two loads were not ordered.',
    fix: "smp_rmb() between the reader's load of head and its load of slot.",
    expect: ['assertion'],
  }),
  ex('lazy-init-rcu-assign', {
    title: 'a lazily initialised pointer published without rcu_assign_pointer()',
    rule: 'A pointer to newly initialised data is published with rcu_assign_pointer() (a release), and read with rcu_dereference().',
    wrong:
      'WRITE_ONCE(gp, …) may become visible before the initialising store: a reader follows gp and reads the field uninitialised.',
    fix: 'rcu_assign_pointer(gp, …): everything written before it is visible to a reader that sees the pointer.',
    expect: ['assertion'],
  }),
  // rw_semaphores and waiting for work
  ex('rwsem-read-twice', {
    title: 'down_read() twice, with a writer in between',
    rule: 'rwsem readers are fair to writers: a reader arriving while a writer waits queues behind it. So a task must not take the read side of an rwsem it already holds (lockdep treats rwsem readers as non-recursive).',
    wrong:
      'The reader holds config_rwsem, the writer queues, and the reader\'s helper calls down_read() again: it queues behind the writer, which waits for the reader. Lockdep reports "possible recursive locking" on any run.',
    fix: "One down_read() per read-side section: the helper runs under its caller's hold.",
    expect: ['deadlock', 'recursive-locking'],
  }),
  ex('flush-work-under-mutex', {
    title: 'flush_work() under a mutex the work takes',
    rule: 'flush_work() and cancel_work_sync() wait for the work function, so they must not be called holding a lock the work function takes.',
    wrong:
      'remove holds dev_mutex and waits for the refresh work, which waits for dev_mutex. Lockdep reports the cycle through ((work_completion)(&refresh)) on the first run, deadlock or not.',
    fix: 'Flush the work before taking dev_mutex.',
    expect: ['circular-dependency', 'deadlock'],
  }),
];
