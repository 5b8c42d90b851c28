/**
 * The batch loop every CPU worker runs: trials back to back, without the main thread.
 *
 * CPU 0 is the closer: when a trial ends (whoever ends it hands the baton to CPU 0 with
 * Order.CLOSE) it snapshots how the trial ended, hands the trial to its observer (detectors),
 * resets the buffer and opens the next trial by making its first scheduling decision. Other
 * CPUs just wait for orders; a stale stack from a finished trial is unwound when they are next
 * handed the baton. At the end of the batch the closer raises the stop word and wakes everyone.
 */
import { C, CX, H, LN, Order, TrialState, type Layout } from './layout.ts';
import { Ctx, EventLog } from './events.ts';
import { objectKind } from './object-kinds.ts';
import { stopAgents } from './baton.ts';
import { resetActions } from './irq-actions.ts';
import { CLOSER, type CpuRuntime } from './runtime.ts';
import type { ControlledPolicy } from './controlled-policy.ts';
import { BatchStop, ControlFlow, TrialAbort, TrialOver } from './control-flow.ts';
import { runIrq, runTask } from './agent-run.ts';
import { segment } from '../sched/token.ts';
import { Access } from '../sched/footprint.ts';
import { publishFootprint } from './footprints.ts';
import { snapshotAgent, type CpuSnapshot, type TrialEnd } from './trial-info.ts';
import { DeferredTrials, type TrialObserver } from './deferred-trials.ts';

export interface BatchPlan {
  /** run-level number of the batch's first trial (strategies seed trials by it) */
  firstTrial: number;
  trials: number;
  /** run-level trial numbers, when they are not consecutive (replays of recorded trials) */
  trialNumbers?: number[];
}

export interface BatchSummary {
  trialsDone: number;
  /** baton hand-offs between CPUs over the batch */
  switches: number;
  /** per line, per cpu: interrupts delivered over the batch (/proc/interrupts) */
  irqCounts: number[][];
  /** the strategy said there is nothing left to explore */
  finished?: boolean;
}

export function runBatch(
  rt: CpuRuntime<ControlledPolicy>,
  plan: BatchPlan,
  observer: TrialObserver | undefined,
): BatchSummary | null {
  const closer = rt.agent === CLOSER;
  const m = rt.m;
  const L = rt.L;
  const irqCounts = L.lines.map(() => new Array<number>(L.ncpus).fill(0));
  let trialsDone = 0;
  let pending: number = Order.NONE;
  let open = closer;
  const deferred = closer && observer?.deferrable ? new DeferredTrials(observer) : undefined;
  rt.policy.whileWaiting(deferred && (() => deferred.whileWaiting()));
  const summary = (s: BatchSummary): BatchSummary => {
    deferred?.settle();
    return s;
  };

  const trialNumber = (i: number): number => plan.trialNumbers?.[i] ?? plan.firstTrial + i;

  for (;;) {
    try {
      if (open) {
        open = false;
        if (!openTrial(rt, trialNumber(trialsDone), trialsDone)) {
          stopAll(rt);
          return summary({ trialsDone, irqCounts, switches: m[H.SWITCHES]!, finished: true });
        }
        rt.policy.decideLoop(); // returned: CPU 0 itself goes first
        pending = Order.RUN;
      }
      if (pending === Order.NONE) pending = rt.policy.awaitBaton();
      const order = pending;
      pending = Order.NONE;
      if (order === Order.IRQ) {
        runIrq(rt, m[rt.me + C.ORDER_ARG]!);
        rt.policy.decideLoop();
      }
      if ((rt.task || rt.kernelThread) && !rt.taskStarted) runTask(rt);
    } catch (e) {
      rt.unwound();
      if (e instanceof TrialAbort) {
        rt.syncTrial();
        pending = e.pending;
        continue;
      }
      if (e instanceof TrialOver) {
        if (!closer) continue;
        closeTrial(rt, trialNumber(trialsDone), trialsDone, irqCounts, observer, deferred);
        trialsDone++;
        m[H.TRIALS_DONE] = trialsDone;
        if (trialsDone < plan.trials && Atomics.load(m, H.STOP) === 0) {
          open = true;
          continue;
        }
        stopAll(rt);
        return summary({ trialsDone, irqCounts, switches: m[H.SWITCHES]! });
      }
      if (e instanceof BatchStop) return closer ? summary({ trialsDone, irqCounts, switches: m[H.SWITCHES]! }) : null;
      throw e;
    }
  }
}

/**
 * Reset the machine's words for a new trial and adopt it on the closer; false when the strategy
 * has nothing left to explore (no trial is opened).
 */
export function openTrial(rt: CpuRuntime, trial: number, indexInBatch: number): boolean {
  if (!rt.strategy.beginTrial(trial, indexInBatch)) return false;
  const m = rt.m;
  const L = rt.L;
  m[H.TSTATE] = TrialState.RUNNING;
  m[H.NEV] = 0;
  m[H.NCHOICE] = 0;
  m[H.DECISIONS] = 0;
  m[H.END_CPU] = -1;
  m[H.END_EVENT] = -1;
  m[H.EXC_STR] = 0;
  m[H.JIFFIES] = 0;
  m[H.BATCH_TRIAL] = indexInBatch;
  m[H.LIVE] = rt.def.tasks.length;
  for (let c = 0; c < L.ncpus; c++) m[L.cpuCurrent(c)] = c;
  for (let c = 0; c < L.nagents; c++) {
    const b = L.agentBlock(c);
    m[b + C.ORDER] = Order.NONE;
    m[b + C.IRQS_OFF] = 0;
    m[b + C.PCOUNT] = 0;
    m[b + C.NCTX] = 0;
    m[b + C.HELD_N] = 0;
    m[b + C.SOFTIRQ_PENDING] = 0;
    m[b + C.CPU] = L.agents[c]!.cpu;
    m[b + C.MIGRATIONS] = L.agents[c]!.migrations;
    // a task's first step runs up to its first kernel call: its own code only
    publishFootprint(m, b, -1, Access.NONE);
  }
  m[H.WAKEABLE] = 0;
  m[H.SOFTIRQ_CPUS] = 0;
  rt.heap.reset();
  resetActions(m, L, (l) => rt.def.irqs?.[l]?.handler !== undefined);
  // tasks, each kworker and each irq thread (kernel threads that never end) start in process
  // context; a kthread starts when kthread_run() starts it
  for (let i = 0; i < L.tasks.length; i++) startInProcess(m, L, L.tasks[i]!.agent, L.tasks[i]!.pid);
  for (let i = 0; i < L.agents.length; i++) {
    const a = L.agents[i]!;
    if (a.kind === 'kworker' || a.kind === 'irq_thread') startInProcess(m, L, a.index, a.pid!);
  }
  for (const o of L.objects) objectKind(o.kind).reset(m, o);
  rt.memory?.reset();
  for (const line of L.lines) {
    const lb = L.line(line.index);
    m[lb + LN.FIRES_LEFT] = line.fires;
    m[lb + LN.ACTIVE] = 0;
    m[lb + LN.DEPTH] = 0;
    m[lb + LN.ONESHOT] = 0;
    for (let c = 0; c < L.ncpus; c++) m[L.irqCount(line.index, c)] = 0;
  }
  rt.strings.reset();
  m[H.TRIAL] = m[H.TRIAL]! + 1;
  rt.syncTrial();
  return true;
}

/** Agent `agent` starts the trial in process context as task `pid`. */
function startInProcess(m: Int32Array, L: Layout, agent: number, pid: number): void {
  const e = L.ctxEntry(agent, 0);
  m[e + CX.KIND] = Ctx.TASK;
  m[e + CX.TID] = pid;
  m[e + CX.NR] = 0;
  m[e + CX.WAIT_OBJ] = -1;
  m[e + CX.WAIT_FLAGS] = 0;
  m[e + CX.WAIT_SEQ] = -1;
  m[L.agentBlock(agent) + C.NCTX] = 1;
}

function snapshotCpus(rt: CpuRuntime): CpuSnapshot[] {
  return rt.L.agents.map((a) => snapshotAgent(rt.m, rt.L, a.index));
}

function runCheck(rt: CpuRuntime): string | undefined {
  const check = rt.def.check;
  if (!check) return undefined;
  try {
    const r = check(rt.state);
    if (r === false) return 'check() returned false';
    if (typeof r === 'string') return r;
    return undefined;
  } catch (e) {
    if (e instanceof ControlFlow) throw e;
    return `check() threw ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`;
  }
}

export function closeTrial(
  rt: CpuRuntime,
  trial: number,
  indexInBatch: number,
  irqCounts: number[][],
  observer: TrialObserver | undefined,
  deferred?: DeferredTrials,
): void {
  const m = rt.m;
  const L = rt.L;
  const state = m[H.TSTATE]!;
  const end: TrialEnd = {
    state: rt.strategy.mismatched?.(indexInBatch) ? TrialState.MISMATCH : state,
    cpu: m[H.END_CPU]!,
    message: rt.strings.get(m[H.EXC_STR]!),
    seq: m[H.END_EVENT]!,
    cpus: state === TrialState.DONE ? [] : snapshotCpus(rt),
    checkFailure: state === TrialState.DONE ? runCheck(rt) : undefined,
  };
  rt.strategy.endTrial?.(m[H.DECISIONS]!);
  for (const line of L.lines) {
    for (let c = 0; c < L.ncpus; c++) irqCounts[line.index]![c]! += m[L.irqCount(line.index, c)]!;
  }
  if (!observer) return;
  const regenerable = rt.strategy.regenerable;
  const n = m[H.NCHOICE]!;
  if (deferred) {
    // judged during the next trial: its own copies of what that trial overwrites
    const choices = m.slice(L.choiceBase, L.choiceBase + n);
    const texts = rt.strings.snapshot();
    deferred.defer({
      index: indexInBatch,
      layout: L,
      events: deferred.keep(m, L.eventBase, m[H.NEV]!),
      end,
      segment: () => segment(trial, choices, n, regenerable),
      text: (id) => texts[id] ?? '',
    });
    return;
  }
  observer.onTrial({
    index: indexInBatch,
    layout: L,
    events: new EventLog(m.subarray(L.eventBase), m[H.NEV]!),
    end,
    segment: () => segment(trial, m.subarray(L.choiceBase), n, regenerable),
    text: (id) => rt.strings.get(id),
  });
}

/** Raise the stop word and wake every other agent so that each leaves its batch. */
export function stopAll(rt: CpuRuntime): void {
  stopAgents(rt.m, rt.L, rt.agent);
}
