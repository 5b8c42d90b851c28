/**
 * The batch loop of a CPU in stress mode: trials back to back with every CPU running at once.
 * The closer (CPU 0) opens a trial; every CPU runs its task (or idles, taking interrupts) until
 * all tasks are done, then parks; once every CPU has parked, the closer hands the trial to the
 * detectors exactly as in controlled mode, and opens the next one until the deadline.
 */
import { H, TrialState } from './layout.ts';
import { CLOSER } from './runtime.ts';
import { BatchStop, ControlFlow } from './control-flow.ts';
import { runTask } from './agent-run.ts';
import { closeTrial, openTrial, stopAll, type BatchSummary } from './trial-loop.ts';
import type { TrialObserver } from './deferred-trials.ts';
import { pendingWord, SC } from './stress-control.ts';
import type { CpuRuntime } from './runtime.ts';
import type { StressPolicy } from './stress-policy.ts';

export function runStressBatch(
  rt: CpuRuntime<StressPolicy>,
  firstTrial: number,
  deadline: number,
  observer: TrialObserver | undefined,
): BatchSummary | null {
  const closer = rt.homeCpu === CLOSER;
  const m = rt.m;
  const ctl = rt.policy.ctl;
  const L = rt.L;
  const irqCounts = L.lines.map(() => new Array<number>(L.ncpus).fill(0));
  let trialsDone = 0;
  const summary = (): BatchSummary => ({ trialsDone, irqCounts }) as BatchSummary;
  if (closer) open(rt, firstTrial, 0);
  for (;;) {
    if (!closer && !awaitTrial(rt)) return null;
    rt.policy.beginTrial();
    try {
      if (rt.task) runTask(rt);
      else rt.policy.idle();
    } catch (e) {
      if (e instanceof BatchStop) return closer ? summary() : null;
      if (!(e instanceof ControlFlow)) throw e;
    }
    rt.unwound();
    Atomics.add(ctl, SC.PARKED, 1);
    Atomics.notify(ctl, SC.PARKED);
    if (!closer) continue;
    for (let v; (v = Atomics.load(ctl, SC.PARKED)) < L.ncpus; ) {
      if (Atomics.load(m, H.STOP) !== 0) return summary();
      Atomics.wait(ctl, SC.PARKED, v, 20);
    }
    m[H.NEV] = rt.policy.eventCount();
    closeTrial(rt, firstTrial + trialsDone, trialsDone, irqCounts, observer);
    trialsDone++;
    m[H.TRIALS_DONE] = trialsDone;
    if (Date.now() >= deadline || Atomics.load(m, H.STOP) !== 0) {
      stopAll(rt);
      return summary();
    }
    open(rt, firstTrial + trialsDone, trialsDone);
  }
}

/** Reset the machine and release the other CPUs into the trial. */
function open(rt: CpuRuntime<StressPolicy>, trial: number, indexInBatch: number): void {
  const ctl = rt.policy.ctl;
  Atomics.store(ctl, SC.PARKED, 0);
  Atomics.store(ctl, SC.DONE_TASKS, 0);
  Atomics.store(ctl, SC.SEQ, 0);
  for (let c = 0; c < rt.L.ncpus; c++) Atomics.store(ctl, pendingWord(c), 0);
  openTrial(rt, trial, indexInBatch);
  if (rt.def.tasks.length === 0) rt.m[H.TSTATE] = TrialState.DONE;
  Atomics.store(rt.m, H.TRIAL, rt.m[H.TRIAL]!); // publish the reset words with the new trial
  Atomics.notify(rt.m, H.TRIAL);
}

/** Wait for the closer to open the next trial; false when the batch is stopped. */
function awaitTrial(rt: CpuRuntime<StressPolicy>): boolean {
  const m = rt.m;
  for (let i = 0; ; i++) {
    const t = Atomics.load(m, H.TRIAL);
    if (Atomics.load(m, H.STOP) !== 0) return false;
    if (t !== rt.localTrial) return true;
    if (i > 2000) Atomics.wait(m, H.TRIAL, t, 20);
  }
}
