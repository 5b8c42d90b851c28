/** The kernel API scenario code calls, with the kernel's names and return conventions. */
export * from './declare.ts';
export * from './spinlock.ts';
export * from './rwlock.ts';
export * from './atomic.ts';
export * from './memory.ts';
export * from './irqflags.ts';
export * from './bug.ts';
export * from './barrier.ts';
export * from './errno.ts';
export * from './semaphore.ts';
export * from './mutex.ts';
export * from './sleep.ts';
export * from './alloc.ts';
export * from './softirq.ts';
export * from './irq-request.ts';
export * from './workqueue.ts';
export * from './task-state.ts';
export * from './wait.ts';
export * from './completion.ts';
export * from './kobj.ts';
export * from './refcount.ts';
export * from './rcu.ts';
export type { Spinlock, RwLock, Atomic, Shared, KObject } from './objects.ts';
export * from './timer.ts';
// lockdep annotations and raw spinlocks
export * from './lockdep.ts';
export * from './raw-spinlock.ts';
export type { RawSpinlock } from './objects.ts';
// per-CPU access rules
export * from './debug-preempt.ts';
// bit operations, xchg/cmpxchg, wide atomics, call_rcu, seqlocks
export * from './bitops.ts';
export * from './cmpxchg.ts';
export * from './atomic64.ts';
export * from './seqlock.ts';
export * from './percpu.ts';
export type { PerCpu } from './objects.ts';
// rw_semaphores
export * from './rwsem.ts';
// interrupt lines, threaded interrupts and kernel threads
export * from './kthread.ts';
