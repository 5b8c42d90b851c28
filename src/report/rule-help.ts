/**
 * What each finding kind means, for readers who meet it outside a report (SARIF rules, CI
 * annotations): the kernel's rule, what goes wrong when it is broken, and the usual fix.
 */
import type { FindingKind } from '../check/finding-kinds.ts';

export interface RuleHelp {
  /** the report title a kernel developer searches for */
  name: string;
  rule: string;
  wrong: string;
  fix: string;
}

export const RULE_HELP: Record<FindingKind, RuleHelp> = {
  deadlock: {
    name: 'deadlock',
    rule: 'Every CPU or task waiting for a lock must eventually get it.',
    wrong: 'In this interleaving each waiter holds something another waiter needs: no CPU can progress.',
    fix: 'Take the locks in one global order everywhere, or release one before waiting for the other.',
  },
  'circular-dependency': {
    name: 'possible circular locking dependency detected',
    rule: 'Locks nest in one order across the whole system (lockdep records every "A held while taking B").',
    wrong:
      'Some path takes A then B and another takes B then A: run at the wrong moment, they deadlock, even if this run did not.',
    fix: 'Pick one order for the locks and follow it on every path (document it next to the lock declarations).',
  },
  'recursive-locking': {
    name: 'possible recursive locking detected',
    rule: 'A non-recursive lock is never taken again by the context that holds it.',
    wrong: 'The second acquisition waits for the holder, which is itself: a self-deadlock.',
    fix: 'Do not retake the lock; for two instances of one class taken in a fixed order, annotate with spin_lock_nested().',
  },
  'inconsistent-lock-state': {
    name: 'inconsistent lock state',
    rule: 'A lock taken in interrupt context is taken with that interrupt disabled everywhere else.',
    wrong:
      'Process context holds the lock with irqs on; the interrupt arrives on the same CPU and spins on the lock forever.',
    fix: 'Use spin_lock_irqsave()/spin_unlock_irqrestore() (or the _bh variants for softirqs) outside the handler.',
  },
  'irq-lock-inversion': {
    name: 'possible irq lock inversion dependency detected',
    rule: 'An irq-safe lock is never taken while holding an irq-unsafe lock.',
    wrong:
      'A chain of locks connects interrupt context to code running with irqs on: an interrupt can close the cycle.',
    fix: 'Disable interrupts while holding the outer lock, or break the dependency between the two locks.',
  },
  'sleep-in-atomic': {
    name: 'BUG: sleeping function called from invalid context',
    rule: 'Code that may sleep (mutex_lock, down, msleep, GFP_KERNEL allocations) never runs in atomic context.',
    wrong: 'It was called under a spinlock, with irqs or preemption disabled, or in an interrupt handler.',
    fix: 'Move the sleeping call out of the atomic section, use GFP_ATOMIC, or defer the work to a work item.',
  },
  'scheduling-while-atomic': {
    name: 'BUG: scheduling while atomic',
    rule: 'The scheduler is never entered with preemption disabled.',
    wrong: 'A task blocked while holding a spinlock or with preempt_count() raised: the CPU can deadlock.',
    fix: 'Release the spinlock (or re-enable preemption) before anything that can block.',
  },
  'data-race': {
    name: 'BUG: KCSAN: data-race',
    rule: 'Concurrent plain accesses to one location, at least one a write, are ordered by a lock or marked.',
    wrong: 'Two CPUs touched the same location with nothing ordering them: updates can be lost or torn.',
    fix: 'Protect the data with the lock that guards it, use atomic_t, or mark intended races with READ_ONCE()/WRITE_ONCE().',
  },
  'bad-unlock-balance': {
    name: 'WARNING: bad unlock balance detected!',
    rule: 'Only the holder releases a lock, and only once.',
    wrong: 'A lock was released that this context does not hold.',
    fix: 'Match every unlock with its lock on every path, including error paths.',
  },
  'lock-held-at-exit': {
    name: 'WARNING: lock held when returning to user space!',
    rule: 'A task returns with no locks held.',
    wrong: 'A path returned without unlocking: the next taker waits forever.',
    fix: 'Unlock on every return path (a single exit label is the kernel idiom).',
  },
  'irq-state-leak': {
    name: 'irq state leak',
    rule: 'Code restores the interrupt and preemption state it found.',
    wrong: 'A path returned with irqs or preemption still disabled, or enabled what its caller had disabled.',
    fix: 'Pair local_irq_save()/local_irq_restore() and preempt_disable()/preempt_enable() on every path.',
  },
  assertion: {
    name: 'invariant violated',
    rule: "The scenario's check() and BUG_ON()/WARN_ON() conditions hold after every interleaving.",
    wrong: 'Some interleaving broke the invariant: a lost update, a stale read, a missed wakeup.',
    fix: 'Find the unprotected step in the interleaving and order it with a lock, an atomic or a barrier.',
  },
  exception: {
    name: 'task threw or never reached a scheduling point',
    rule: 'Scenario code finishes, and calls into the kernel API often enough to be scheduled.',
    wrong: 'A task threw an exception, looped without a scheduling point, or its CPU thread died.',
    fix: 'Read the exception in the report; add a scheduling point (cpu_relax(), a kernel call) to busy loops.',
  },
  'lockdep-assert': {
    name: 'lockdep assertion failed',
    rule: 'Code that says lockdep_assert_held(lock) runs with that lock held; lockdep_assert_irqs_disabled() with irqs off.',
    wrong:
      "A path reached the assertion without the lock (or with irqs on): the caller broke the function's locking contract.",
    fix: 'Take the lock (or disable irqs) in the caller that reached the assertion, or call the locked variant of the function.',
  },
  'preemptible-cpu-access': {
    name: 'BUG: using smp_processor_id() in preemptible code',
    rule: 'The CPU number, and __this_cpu_*() on per-CPU data, are used only while the task cannot migrate: with preemption or irqs off, or pinned to one CPU.',
    wrong:
      'A task allowed on several CPUs read its CPU number, or used __this_cpu_*(), with preemption on: it may run on another CPU by the time it uses it.',
    fix: 'Use get_cpu()/put_cpu() or get_cpu_var()/put_cpu_var() (or preempt_disable()) around the use, or this_cpu_*() for a single per-CPU update.',
  },
  'soft-lockup': {
    name: 'watchdog: BUG: soft lockup',
    rule: 'Every CPU makes progress.',
    wrong: 'A CPU spun (on a lock, or in a loop) for longer than the watchdog threshold.',
    fix: 'See which lock it spins on and who holds it: usually a deadlock or a missing unlock.',
  },
  'spurious-irq': {
    name: 'irq nobody cared',
    rule: 'Every interrupt raised on a line is handled by one of its handlers.',
    wrong: 'All handlers returned IRQ_NONE: the line would be disabled by the kernel.',
    fix: 'Return IRQ_HANDLED when the device raised the interrupt; register a handler for the line.',
  },
  'hung-task': {
    name: 'INFO: task blocked for more than 120 seconds',
    rule: 'A task that sleeps is woken: whoever makes its condition true wakes it after the task can see it.',
    wrong:
      'A task sleeps and nothing is left that could wake it: a wake-up came before it queued itself or set its state, or never came.',
    fix: 'Set the task state (set_current_state, prepare_to_wait) before testing the condition; wake after making it true; or use wait_event/completions.',
  },
  // heap objects and reference counts
  'use-after-free': {
    name: 'BUG: KASAN: slab-use-after-free',
    rule: 'An object is not touched after kfree(): every user holds a reference, or is inside an RCU reader the free waits for.',
    wrong:
      'A CPU followed a pointer to an object another CPU had already freed; the memory may hold another object by now.',
    fix: 'Take a reference under the lookup lock (kref_get_unless_zero), or free after synchronize_rcu()/with kfree_rcu().',
  },
  'double-free': {
    name: 'BUG: KASAN: double-free',
    rule: 'Each object is freed exactly once.',
    wrong: 'Two paths both believed they dropped the last reference, and both freed the object.',
    fix: 'Free only on the path where refcount_dec_and_test()/kref_put() says the count reached zero.',
  },
  'invalid-free': {
    name: 'BUG: KASAN: invalid-free',
    rule: 'kfree() is given only pointers kmalloc() returned.',
    wrong: 'The pointer freed was never an allocation (a stale or computed value).',
    fix: 'Free the pointer the allocator gave, and clear stored copies of it.',
  },
  'slab-out-of-bounds': {
    name: 'BUG: KASAN: slab-out-of-bounds',
    rule: 'Accesses stay inside the object that was allocated.',
    wrong: "An index ran past the object's last field into memory that belongs to something else.",
    fix: "Check the index against the object's size, or allocate as many fields as are used.",
  },
  'refcount-warning': {
    name: 'refcount_t: addition on 0; use-after-free.',
    rule: 'A reference count never goes from 0 back up, never below 0, and never overflows.',
    wrong:
      'A reference was taken on an object whose count already hit zero (it is being freed), or dropped once too often.',
    fix: 'Look objects up with refcount_inc_not_zero()/kref_get_unless_zero() and drop exactly the references taken.',
  },
  'suspicious-rcu-usage': {
    name: 'WARNING: suspicious RCU usage',
    rule: 'An RCU-protected pointer is dereferenced inside rcu_read_lock()/rcu_read_unlock() (or under the update-side lock, with rcu_dereference_protected); synchronize_rcu() is never called inside a reader.',
    wrong:
      'Outside a reader nothing stops the object from being freed under the pointer; synchronize_rcu() in a reader waits for itself.',
    fix: 'Wrap the lookup and every use of the object in rcu_read_lock()/rcu_read_unlock(); move synchronize_rcu() after the unlock.',
  },
  'trial-too-long': {
    name: 'trial ran past --max-events',
    rule: 'One trial makes at most --max-events events; a longer one is cut short, so its end was not checked.',
    wrong: 'The tasks made more kernel calls than the cap allows: a correct but long scenario, or a livelock.',
    fix: 'Raise --max-events if the work is meant to be that long; otherwise look for a loop that never ends.',
  },
};
