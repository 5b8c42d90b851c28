/** The words every object starts with; a kind may add words after these (object-kinds.ts). */
import { words } from './fields.ts';

export const O = words('WORD', 'OWNER', 'AUX');

/** A work item's WORD: queued and not yet started, and running on its kworker (workqueue.ts). */
export const WORK_PENDING = 1;
export const WORK_RUNNING = 2;
/** flush_work() waits while either bit is set. */
export const WORK_BUSY = WORK_PENDING | WORK_RUNNING;

/**
 * A timer_list's WORD: armed (timer_pending), due and waiting for TIMER_SOFTIRQ on its CPU,
 * and its callback running (what del_timer_sync waits out). OWNER = cpu+1 it was armed on,
 * AUX = its expiry in jiffies.
 */
export const TIMER_PENDING = 1;
export const TIMER_EXPIRED = 2;
export const TIMER_RUNNING = 4;

/**
 * A tasklet's WORD: queued on a CPU (OWNER = cpu+1, AUX = when), and its function running.
 * TASKLET_COUNT, its word after the common ones, is tasklet_disable()'s depth.
 */
export const TASKLET_STATE_SCHED = 1;
export const TASKLET_STATE_RUN = 2;
export const TASKLET_COUNT = O.WORDS;

/**
 * A kthread's WORD (kthreads.ts): kthread_run() started it, kthread_stop() asked it to stop
 * (KTHREAD_SHOULD_STOP), its function returned (what kthread_stop waits for); kthread_create()
 * made it, not yet woken (KTHREAD_CREATED alone).
 */
export const KTHREAD_STARTED = 1;
export const KTHREAD_SHOULD_STOP = 2;
export const KTHREAD_EXITED = 4;
export const KTHREAD_CREATED = 8;
