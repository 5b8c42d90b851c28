/**
 * What the MARK events of synchronising kernel calls order, for the race detector: a raise
 * (raise_softirq, tasklet_schedule, schedule_work, call_rcu/kfree_rcu) → the run it causes; a
 * work item's run → flush_work; synchronize_irq → what follows it; barriers (smp_wmb/smp_rmb/
 * smp_mb); and the seqlock sections inside which plain accesses count as marked.
 */
import { F_A, F_B, F_FN, SOFTIRQ_NR, kfn } from '../../machine/events.ts';
import { copy, join } from './clocks.ts';
import { type RaceState, SOFT_KEYS, workKey } from './race-state.ts';
import { kernelThreadEdges } from './kernel-thread-edges.ts';

const FN_SYNCHRONIZE_IRQ = kfn('synchronize_irq');
// call_rcu/kfree_rcu → the callback's run in RCU_SOFTIRQ, and (the grace period) the end of
// every reader → the callbacks run after it
const FN_CALL_RCU = kfn('call_rcu');
const FN_KFREE_RCU = kfn('kfree_rcu');
// seqlock sections: a reader's reads and a writer's writes are marked (kcsan_atomic_next,
// kcsan_nestable_atomic_begin/end), as the sequence count is what makes them safe
const fnSet = (...names: string[]): Set<number> => new Set(names.map(kfn));
const SEQ_READ_BEGIN = fnSet('read_seqbegin', 'read_seqcount_begin');
const SEQ_READ_END = fnSet('read_seqretry', 'read_seqcount_retry');
const SEQ_WRITE_BEGIN = fnSet(
  'write_seqlock',
  'write_seqlock_irq',
  'write_seqlock_irqsave',
  'write_seqlock_bh',
  'write_seqcount_begin',
);
const SEQ_WRITE_END = fnSet(
  'write_sequnlock',
  'write_sequnlock_irq',
  'write_sequnlock_irqrestore',
  'write_sequnlock_bh',
  'write_seqcount_end',
);
/** KCSAN_SEQLOCK_REGION_MAX: the accesses after read_seqbegin that count as marked */
const SEQLOCK_REGION_MAX = 1000;
const FN_MB = kfn('smp_mb');
const FN_WMB = kfn('smp_wmb');
const FN_RMB = kfn('smp_rmb');
const FN_RAISE_SOFTIRQ = kfn('raise_softirq');
const FN_TASKLET_SCHEDULE = kfn('tasklet_schedule');
/** queueing a work item → its next run */
const WORK_QUEUEING = fnSet('schedule_work', 'queue_work', 'queue_work_on');
const FN_WORK_RUN = kfn('process_one_work');
/** the end of a work item's or a tasklet's run (F_A 1) */
const RUN_ENDS = fnSet('process_one_work', 'tasklet_action');
/** calls that return once a run in progress is over (tasklet_disable marks that with F_B 1) */
const RUN_WAITERS = fnSet('flush_work', 'cancel_work_sync', 'tasklet_kill');
const FN_TASKLET_DISABLE = kfn('tasklet_disable');
/** the end of a grace period: the readers that ended before it, as for a call_rcu callback's run */
const GRACE_PERIOD_ENDS = fnSet('synchronize_rcu', 'synchronize_rcu_expedited');
/** work items' clocks sit above the softirq numbers' */
/** the softirq tasklets run from */
const TASKLET_SOFTIRQ = SOFTIRQ_NR.TASKLET_SOFTIRQ;

/** A MARK event at word `at` of `w`, made by thread u on object o. */
export function markSync(s: RaceState, w: Int32Array, at: number, u: number, o: number): void {
  const T = s.T;
  const fn = w[at + F_FN];
  // raise_softirq(nr) / tasklet_schedule → the softirq run they cause
  const nr =
    fn === FN_RAISE_SOFTIRQ || fn === FN_CALL_RCU || fn === FN_KFREE_RCU
      ? w[at + F_A]!
      : fn === FN_TASKLET_SCHEDULE
        ? TASKLET_SOFTIRQ
        : WORK_QUEUEING.has(fn!)
          ? workKey(o)
          : -1;
  if (nr >= 0) {
    join(s.soft, nr % SOFT_KEYS, s.C, u);
    s.C.v[u * T + u]!++;
  }
  // queueing a work item → its run; the end of a work's or a tasklet's run → the calls that wait it out
  if (fn === FN_WORK_RUN && w[at + F_A] === 0) join(s.C, u, s.soft, workKey(o));
  if (RUN_ENDS.has(fn!) && w[at + F_A] === 1) {
    join(s.done, workKey(o), s.C, u);
    s.C.v[u * T + u]!++;
  }
  if (RUN_WAITERS.has(fn!) || (fn === FN_TASKLET_DISABLE && w[at + F_B] === 1)) join(s.C, u, s.done, workKey(o));
  if (GRACE_PERIOD_ENDS.has(fn!)) join(s.C, u, s.soft, SOFTIRQ_NR.RCU_SOFTIRQ);
  kernelThreadEdges(s, u, fn!, o, w[at + F_A]!, w[at + F_B]!);
  // synchronize_irq (free_irq, disable_irq): the line's handlers so far → what follows
  if (fn === FN_SYNCHRONIZE_IRQ) join(s.C, u, s.lines, w[at + F_A]!);
  if (fn === FN_RMB || fn === FN_MB) join(s.C, u, s.pendAcq, u);
  if (SEQ_READ_BEGIN.has(fn!) && w[at + F_B] === 0) s.seqRead[u] = SEQLOCK_REGION_MAX;
  else if (SEQ_READ_END.has(fn!)) s.seqRead[u] = 0;
  else if (SEQ_WRITE_BEGIN.has(fn!)) s.seqWrite[u]!++;
  else if (SEQ_WRITE_END.has(fn!) && s.seqWrite[u]! > 0) s.seqWrite[u]!--;
  if (fn === FN_WMB || fn === FN_MB) {
    copy(s.fenceRel, u, s.C, u);
    s.hasFence[u] = 1;
    s.C.v[u * T + u]!++;
  }
}
