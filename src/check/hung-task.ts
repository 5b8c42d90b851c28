/**
 * khungtaskd's verdict (kernel/hung_task.c): a trial that ends with a task asleep that nothing
 * can wake — it waits for a wake-up, a completion or a wait queue, and no agent can run, no
 * interrupt, timer or timeout is left to come. The kernel would find it in TASK_UNINTERRUPTIBLE
 * after hung_task_timeout_secs. A wait for a lock some context holds is not this: a wait-for
 * cycle among lock holders stays a deadlock (machine-checks.ts).
 */
import { Ctx } from '../machine/events.ts';
import type { Layout } from '../machine/layout.ts';
import type { CpuSnapshot, EventRef } from './detector.ts';
import type { BlockedContext } from './wait-for.ts';

/** The kinds of object a task sleeps on waiting to be woken, not for a lock to be released. */
const WAKE_WAITS = new Set(['task_state', 'completion', 'kthread']);

/** A lock held somewhere in the system, for "Showing all locks held in the system:". */
export interface SystemLock {
  cpu: number;
  pid: number;
  obj: number;
  ref: EventRef;
}

/** Is every stuck context a task sleeping for a wake-up that cannot come? */
export function isHungTask(L: Layout, blocked: BlockedContext[]): boolean {
  return (
    blocked.length > 0 && blocked.every((b) => b.kind === Ctx.TASK && WAKE_WAITS.has(L.objects[b.waitObj]?.kind ?? ''))
  );
}

/** Every lock every context holds at the end of the trial (debug_show_all_locks()). */
export function allHeldLocks(cpus: CpuSnapshot[], trial: number): SystemLock[] {
  return cpus.flatMap((s) =>
    s.held.map((h) => ({ cpu: s.cpu, pid: s.contexts[h.ctx]?.pid ?? 0, obj: h.obj, ref: { trial, seq: h.seq } })),
  );
}
