/**
 * Bottom halves on a simulated CPU: pending softirqs run in softirq context (preempt_count
 * SOFTIRQ_OFFSET, Ctx.SOFTIRQ, irqs on) on irq exit, at local_bh_enable, and as a strategy
 * choice wherever that CPU has softirqs and irqs enabled (what ksoftirqd does). Tasklets are the
 * machine's own TASKLET_SOFTIRQ (timers its TIMER_SOFTIRQ, timers.ts; call_rcu callbacks its
 * RCU_SOFTIRQ, rcu-callbacks.ts): queued per CPU, and one tasklet never runs on two CPUs at once.
 *
 * Tasklet words (object-words.ts): WORD = TASKLET_STATE_SCHED | TASKLET_STATE_RUN, OWNER = cpu+1
 * whose list it is queued on, AUX = when it was queued (list order), TASKLET_COUNT its disable
 * depth: a disabled tasklet stays queued and does not run until tasklet_enable().
 */
import { callHandler } from './agent-run.ts';
import { Ctx, Op, SOFTIRQ_NR, SOFTIRQ_OFFSET, kfn } from './events.ts';
import { C, CX, H } from './layout.ts';
import { O, TASKLET_COUNT, TASKLET_STATE_RUN, TASKLET_STATE_SCHED } from './object-words.ts';
import { declaredFunctions, type DeclaredFunction } from './declared-functions.ts';
import type { CpuRuntime } from './runtime.ts';
import { runTimerSoftirq } from './timers.ts';
import { raiseSoftirq } from './softirq-raise.ts';
import { rcuCore } from './rcu-callbacks.ts';

export { raiseSoftirq };

/** The kernel's softirq numbers. */
const TASKLET_SOFTIRQ = SOFTIRQ_NR.TASKLET_SOFTIRQ;
const TIMER_SOFTIRQ = SOFTIRQ_NR.TIMER_SOFTIRQ;
const RCU_SOFTIRQ = SOFTIRQ_NR.RCU_SOFTIRQ;
/** __do_softirq() restarts at most this many times before leaving the rest to ksoftirqd. */
const MAX_SOFTIRQ_RESTART = 10;

const FN_SOFTIRQ = kfn('softirq');
const FN_TASKLET_ACTION = kfn('tasklet_action');

const tasklets = (rt: CpuRuntime): DeclaredFunction[] => declaredFunctions(rt, 'tasklet');

/** Queue tasklet `obj` on `cpu` unless it is queued already; false when it was. */
export function scheduleTasklet(rt: CpuRuntime, obj: number, cpu: number): boolean {
  const m = rt.m;
  const at = rt.L.objects[obj]!.offset;
  const w = m[at + O.WORD]!;
  if (w & TASKLET_STATE_SCHED) return false;
  m[at + O.WORD] = w | TASKLET_STATE_SCHED;
  m[at + O.OWNER] = cpu + 1;
  m[at + O.AUX] = rt.policy.eventCount();
  raiseSoftirq(rt, cpu, TASKLET_SOFTIRQ);
  return true;
}

/** tasklet_enable() to depth 0: a tasklet still queued runs at that CPU's next softirq. */
export function enableTasklet(rt: CpuRuntime, obj: number): void {
  const m = rt.m;
  const at = rt.L.objects[obj]!.offset;
  if (m[at + TASKLET_COUNT]! > 0) m[at + TASKLET_COUNT] = m[at + TASKLET_COUNT]! - 1;
  const owner = m[at + O.OWNER]!;
  if (m[at + TASKLET_COUNT] === 0 && m[at + O.WORD]! & TASKLET_STATE_SCHED && owner > 0)
    raiseSoftirq(rt, owner - 1, TASKLET_SOFTIRQ);
}

/** tasklet_disable_nosync(): one more level of disable; returns the depth. */
export function disableTasklet(rt: CpuRuntime, obj: number): number {
  const at = rt.L.objects[obj]!.offset + TASKLET_COUNT;
  rt.m[at] = rt.m[at]! + 1;
  return rt.m[at]!;
}

/**
 * tasklet_kill()'s claim once the tasklet is no longer queued: set SCHED so that nobody queues
 * it meanwhile (true), or clear it again once a running instance is over (false).
 */
export function claimTasklet(rt: CpuRuntime, obj: number, claim: boolean): void {
  const at = rt.L.objects[obj]!.offset + O.WORD;
  rt.m[at] = claim ? rt.m[at]! | TASKLET_STATE_SCHED : rt.m[at]! & ~TASKLET_STATE_SCHED;
}

/** __do_softirq(): run what is pending on rt's CPU, nested on its stack. */
export function doSoftirq(rt: CpuRuntime): void {
  const m = rt.m;
  const pend = rt.softirqPending;
  if (m[pend] === 0) return;
  const savedOff = m[rt.me + C.IRQS_OFF]!;
  rt.preemptAdd(SOFTIRQ_OFFSET);
  rt.pushContext(Ctx.SOFTIRQ, rt.pid(), 0);
  const wasOnCpu = rt.enterTrialCode();
  const ctxNr = rt.L.ctxEntry(rt.agent, rt.depth() - 1) + CX.NR;
  for (let round = 0; round < MAX_SOFTIRQ_RESTART && m[pend] !== 0; round++) {
    let pending = m[pend]!;
    m[pend] = 0;
    m[H.SOFTIRQ_CPUS] = m[H.SOFTIRQ_CPUS]! - 1;
    m[rt.me + C.IRQS_OFF] = 0;
    for (let nr = 0; pending !== 0; nr++, pending >>>= 1) {
      if ((pending & 1) === 0) continue;
      m[ctxNr] = nr;
      rt.emit(Op.SOFTIRQ_ENTER, -1, nr, 0, FN_SOFTIRQ);
      if (nr === TASKLET_SOFTIRQ) taskletAction(rt);
      else if (nr === TIMER_SOFTIRQ) runTimerSoftirq(rt);
      else if (nr === RCU_SOFTIRQ) rcuCore(rt);
      else {
        const h = rt.def.softirqs?.find((s) => s.nr === nr);
        if (h) callHandler(rt, () => h.handler(rt.state), `softirq ${h.name ?? nr}`);
      }
      rt.emit(Op.SOFTIRQ_EXIT, -1, nr, 0, FN_SOFTIRQ);
    }
    m[rt.me + C.IRQS_OFF] = 1;
  }
  rt.leaveTrialCode(wasOnCpu);
  rt.popContext();
  rt.preemptAdd(-SOFTIRQ_OFFSET);
  m[rt.me + C.IRQS_OFF] = savedOff;
}

/** tasklet_action(): run this CPU's queued tasklets in the order they were queued. */
function taskletAction(rt: CpuRuntime): void {
  const m = rt.m;
  const mine = rt.cpu + 1;
  const queued = tasklets(rt)
    .filter((t) => m[t.info.offset + O.OWNER] === mine)
    .sort((a, b) => m[a.info.offset + O.AUX]! - m[b.info.offset + O.AUX]!);
  for (const t of queued) {
    const at = t.info.offset;
    // disabled: it stays queued here, and tasklet_enable() raises the softirq again
    if (m[at + TASKLET_COUNT]! > 0) continue;
    const w = m[at + O.WORD]!;
    if (w & TASKLET_STATE_RUN) {
      // running on another CPU: it stays queued here and runs once that one is done
      raiseSoftirq(rt, rt.cpu, TASKLET_SOFTIRQ);
      continue;
    }
    m[at + O.OWNER] = 0;
    m[at + O.WORD] = (w & ~TASKLET_STATE_SCHED) | TASKLET_STATE_RUN;
    callHandler(rt, () => t.fn(rt.state), `tasklet ${t.info.name}`);
    m[at + O.WORD] = m[at + O.WORD]! & ~TASKLET_STATE_RUN;
    // F_A 1: this run is over (what tasklet_kill and tasklet_disable wait out)
    rt.emit(Op.MARK, t.info.id, 1, 0, FN_TASKLET_ACTION);
  }
}
