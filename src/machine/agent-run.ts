/**
 * Running scenario code on an agent: its task from the start (then idling until the trial
 * ends), and an interrupt delivered to it, nested on its own stack in hardirq context as on
 * hardware, with softirqs run on irq exit.
 */
import { Ctx, HARDIRQ_MASK, HARDIRQ_OFFSET, Op, SOFTIRQ_MASK, SOFTIRQ_NR, kfn } from './events.ts';
import { C, H, LN } from './layout.ts';
import { ControlFlow } from './control-flow.ts';
import { doSoftirq, raiseSoftirq } from './bottom-halves.ts';
import { timerTick } from './timers.ts';
import { kworkerLoop } from './workqueue.ts';
import { irqThreadLoop } from './irq-thread.ts';
import { runKthread } from './kthreads.ts';
import type { CpuRuntime } from './runtime.ts';
import { SOFTIRQ_LINE, TIMER_LINE } from '../sched/strategy.ts';

const FN_IRQ = kfn('irq_handler');
const FN_TASK = kfn('task');

/**
 * Run this agent's task from its start (a kernel thread's loop or function); once it returns
 * the agent idles (never returns).
 */
export function runTask(rt: CpuRuntime): never {
  rt.startTask();
  rt.enterTrialCode();
  const kind = rt.L.agents[rt.agent]!.kind;
  if (kind === 'kworker') kworkerLoop(rt);
  if (kind === 'irq_thread') irqThreadLoop(rt);
  if (kind === 'kthread') runKthread(rt);
  else runScenarioTask(rt);
  rt.emit(Op.TASK_END, -1, rt.heldCount(), 0, FN_TASK);
  rt.taskReturned();
  rt.popContext();
  rt.m[H.LIVE] = rt.m[H.LIVE]! - 1;
  // Idle until the trial ends. `nested` stays raised: this wait is still on the trial's
  // stack, so the trial's end unwinds it like any stale stack.
  rt.policy.idle();
}

function runScenarioTask(rt: CpuRuntime): void {
  rt.emit(Op.TASK_START, -1, rt.taskIndex, 0, FN_TASK);
  try {
    rt.task!.run(rt.state);
  } catch (e) {
    if (e instanceof ControlFlow) throw e;
    rt.fail(e, `task ${rt.L.tasks[rt.taskIndex]!.name}`);
  }
}

/**
 * Deliver line `l` here: the handler runs nested on this CPU's stack in hardirq context,
 * with irqs off and the line masked on every CPU until it returns.
 */
export function runIrq(rt: CpuRuntime, l: number): void {
  // the handler's scheduling points publish their own footprints; the interrupted code's
  // next operation is still the one it published
  const m = rt.m;
  const obj = m[rt.me + C.NEXT_OBJ]!;
  const access = m[rt.me + C.NEXT_ACCESS]!;
  if (l === SOFTIRQ_LINE) doSoftirq(rt);
  else if (l === TIMER_LINE) runTimerTick(rt);
  else runHardirq(rt, l);
  rt.footprint(obj, access);
}

/**
 * The tick's hardirq part: expire what is due, then irq_exit() runs TIMER_SOFTIRQ unless this
 * CPU is in an interrupt or has bottom halves disabled (then local_bh_enable will).
 */
function runTimerTick(rt: CpuRuntime): void {
  if (timerTick(rt)) raiseSoftirq(rt, rt.cpu, SOFTIRQ_NR.TIMER_SOFTIRQ);
  if (rt.softirqsPending() && (rt.preemptCount() & (HARDIRQ_MASK | SOFTIRQ_MASK)) === 0) doSoftirq(rt);
}

function runHardirq(rt: CpuRuntime, l: number): void {
  const m = rt.m;
  const lb = rt.L.line(l);
  const line = rt.L.lines[l]!;
  m[lb + LN.FIRES_LEFT] = m[lb + LN.FIRES_LEFT]! - 1;
  m[lb + LN.ACTIVE] = 1;
  m[rt.L.irqCount(l, rt.cpu)] = m[rt.L.irqCount(l, rt.cpu)]! + 1;
  const savedOff = rt.irqsDisabled();
  rt.setIrqsDisabled(true);
  rt.preemptAdd(HARDIRQ_OFFSET);
  rt.pushContext(Ctx.HARDIRQ, rt.pid(), l);
  const wasOnCpu = rt.enterTrialCode();
  rt.emit(Op.IRQ_ENTER, -1, l, line.irq, FN_IRQ);
  let ret = 0;
  const where = `irq ${line.irq} handler (${line.name})`;
  for (const h of rt.handlers[l]!) ret |= callHandler(rt, () => h(rt.state, line.irq), where);
  ret |= rt.actions.run(l, line.irq, where);
  rt.emit(Op.IRQ_EXIT, -1, l, ret, FN_IRQ);
  rt.leaveTrialCode(wasOnCpu);
  rt.popContext();
  rt.preemptAdd(-HARDIRQ_OFFSET);
  m[lb + LN.ACTIVE] = 0;
  // irq_exit(): pending softirqs run here unless this irq interrupted one or bh is disabled
  if (rt.softirqsPending() && (rt.preemptCount() & (HARDIRQ_MASK | SOFTIRQ_MASK)) === 0) doSoftirq(rt);
  rt.setIrqsDisabled(savedOff);
}

/**
 * Run scenario code in an interrupt or softirq context; its irqreturn_t (a handler that
 * returns nothing counts as IRQ_HANDLED, 1). A throw ends the trial as an exception.
 */
export function callHandler(rt: CpuRuntime, run: () => unknown, where: string): number {
  try {
    const r = run();
    return r === undefined ? 1 : Number(r) | 0;
  } catch (e) {
    if (e instanceof ControlFlow) throw e;
    rt.fail(e, where);
  }
}
