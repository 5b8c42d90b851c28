/**
 * Controlled mode: exactly one agent holds the baton. At every scheduling point the holder asks
 * the strategy who runs next (decisions.ts) and hands over directly: store + notify on that
 * agent's own wait word, then wait on its own. An agent that continues costs no hand-off at all.
 * A context that cannot go on (a busy lock) is not enabled, so waiting is just deciding again.
 *
 * Stale stacks: an agent deep in scenario code when the trial ended is unwound with TrialAbort
 * when it is next handed the baton.
 */
import { C, H, Order, TrialState } from './layout.ts';
import { BatchStop, TrialAbort, TrialOver } from './control-flow.ts';
import { runIrq } from './agent-run.ts';
import { Decisions } from './decisions.ts';
import { handBaton } from './baton.ts';
import { CLOSER, type CpuRuntime } from './runtime.ts';
import type { RunPolicy } from './run-policy.ts';
import { isIrqOption, optionCpu, optionLine, type Strategy } from '../sched/strategy.ts';

/** Longest single Atomics.wait: a waiting worker looks at the stop word this often. */
const WAIT_SLICE_MS = 50;

export class ControlledPolicy implements RunPolicy {
  private readonly m: Int32Array;
  /** who runs next: the options at each scheduling point, and the strategy's pick */
  private readonly decisions: Decisions;
  /**
   * The closer's judging of the trial before (deferred-trials.ts): done while another agent
   * holds the baton, or before this agent runs scenario code, whichever comes first, so that
   * a hang or a crash in that code never takes the trial before's findings with it.
   */
  private judgePending: (() => void) | undefined;

  constructor(
    private readonly rt: CpuRuntime<ControlledPolicy>,
    readonly strategy: Strategy,
  ) {
    this.m = rt.m;
    this.decisions = new Decisions(rt, strategy);
  }

  /** Judging of the trial before, to do at the first wait or before scenario code (see judgePending). */
  whileWaiting(work: (() => void) | undefined): void {
    this.judgePending = work;
  }

  point(): void {
    if (this.rt.unwinding) throw new TrialAbort(Order.NONE);
    this.decideLoop();
  }

  /** Not enabled while it cannot go on: the strategy runs someone else until it can. */
  waitTurn(): void {
    this.decideLoop();
  }

  /** Nothing is left to run here: only the trial's end (or a stale-stack unwind) comes back. */
  idle(): never {
    this.decideLoop();
    throw new Error('an idle CPU was scheduled to run');
  }

  chooseFault(): boolean {
    if (this.rt.unwinding) throw new TrialAbort(Order.NONE);
    return this.decisions.chooseFault();
  }

  chooseValue(n: number): number {
    if (this.rt.unwinding) throw new TrialAbort(Order.NONE);
    return this.decisions.chooseValue(n);
  }

  /** One agent runs at a time: the next seq is the event count. */
  claimSeq(): number {
    const seq = this.m[H.NEV]!;
    if (seq >= this.rt.L.limits.maxEvents) this.endTrial(TrialState.STEP_LIMIT);
    return seq;
  }

  eventCount(): number {
    return this.m[H.NEV]!;
  }

  published(seq: number): void {
    const m = this.m;
    m[H.NEV] = seq + 1;
    m[H.STEP] = m[H.STEP]! + 1;
  }

  /** Record why, hand the baton to the closer, unwind this stack. */
  endTrial(state: number): never {
    const m = this.m;
    const rt = this.rt;
    if (m[H.TSTATE] === TrialState.RUNNING) {
      m[H.TSTATE] = state;
      if (m[H.END_CPU]! < 0) m[H.END_CPU] = rt.cpu;
    }
    if (rt.agent !== CLOSER) handBaton(m, rt.L, CLOSER, Order.CLOSE, 0);
    rt.unwind();
    throw new TrialOver();
  }

  /**
   * Decide, and act on the decision until this agent is the one to go on. Interrupts delivered
   * here run nested, then the decision is made again.
   */
  decideLoop(): void {
    const rt = this.rt;
    const m = this.m;
    for (;;) {
      const o = this.decisions.decide();
      if (o === rt.agent) return this.running();
      if (isIrqOption(o)) {
        // an interrupt is taken by whichever agent its CPU ran last
        const a = m[rt.L.cpuCurrent(optionCpu(o))]!;
        if (a === rt.agent) {
          this.judgePending?.();
          runIrq(rt, optionLine(o));
          continue;
        }
        handBaton(m, rt.L, a, Order.IRQ, optionLine(o));
      } else {
        handBaton(m, rt.L, o, Order.RUN, 0);
      }
      if (this.awaitBaton() === Order.IRQ) {
        runIrq(rt, m[rt.me + C.ORDER_ARG]!);
        continue;
      }
      return this.running();
    }
  }

  /** This agent goes on: it is now the one its CPU runs. */
  private running(): void {
    this.judgePending?.();
    this.m[this.rt.L.cpuCurrent(this.rt.cpu)] = this.rt.agent;
  }

  /**
   * Wait until the baton is handed to this agent; returns the order. Every wait is finite: the
   * stop word is looked at between slices, so a stopped machine never leaves a thread behind.
   */
  awaitBaton(): number {
    const m = this.m;
    const rt = this.rt;
    const w = rt.me + C.WAKE;
    this.judgePending?.();
    // spin only while spinning pays (baton.ts), then sleep
    rt.spin?.spin(m, rt.me);
    while (Atomics.load(m, w) === 0) {
      if (Atomics.wait(m, w, 0, WAIT_SLICE_MS) === 'timed-out' && Atomics.load(m, H.STOP) !== 0) throw new BatchStop();
    }
    Atomics.store(m, w, 0);
    if (Atomics.load(m, H.STOP) !== 0) throw new BatchStop();
    const order = m[rt.me + C.ORDER]!;
    if (order === Order.CLOSE) {
      rt.unwind();
      throw new TrialOver();
    }
    if (m[H.TRIAL] !== rt.localTrial) {
      if (rt.inTrialCode) {
        rt.unwind();
        throw new TrialAbort(order);
      }
      rt.syncTrial();
    }
    return order;
  }
}
