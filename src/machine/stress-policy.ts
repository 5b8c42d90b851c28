/**
 * Stress mode: no baton, every CPU runs at once on its own thread.
 *
 *   point()     no hand-off: it is where the CPU raises random interrupts (the IRQ source) and
 *               takes the lines pending for it when its irqs are on
 *   waitTurn()  a context that cannot go on backs off a little and polls again
 *   claimSeq()  the event's seq comes from Atomics.add on the event count (a word of stress
 *               mode's own, alone on its cache line), so the log is a linearization of what
 *               the CPUs did
 *   ownLocks    spinlocks and rwlocks spin on their lock word (spinning-locks.ts)
 *
 * A task that returns counts itself done; the CPU then idles, taking interrupts, until every
 * task of the trial is done.
 */
import { lineMasked } from './irq-lines.ts';
import { C, H, LN, TrialState } from './layout.ts';
import { BatchStop, TrialOver } from './control-flow.ts';
import { runIrq } from './agent-run.ts';
import { MAX_BACKOFF, SpinningLocks } from './spinning-locks.ts';
import type { CpuRuntime } from './runtime.ts';
import type { RunPolicy } from './run-policy.ts';
import type { Strategy } from '../sched/strategy.ts';
import { pendingWord, progressWord, SC } from './stress-control.ts';

/** Nobody is asked anything in stress mode. */
const NO_STRATEGY: Strategy = { beginTrial: () => true, choose: () => 0 };
/** Backoff of one waitTurn(), in polls. */
const WAIT_TURN_BACKOFF = 4;
/** About one scheduling point in IRQ_ODDS raises an interrupt somewhere. */
const IRQ_ODDS = 32;

export class StressPolicy implements RunPolicy {
  readonly strategy = NO_STRATEGY;
  readonly ownLocks: SpinningLocks;
  /** the control words shared by the batch's CPUs (stress-control.ts) */
  readonly ctl: Int32Array;
  private readonly m: Int32Array;
  private rng: number;
  private countedDone = false;
  private readonly progress: number;
  private readonly pending: number;

  constructor(
    private readonly rt: CpuRuntime<StressPolicy>,
    ctl: SharedArrayBuffer,
    seed: number,
  ) {
    const cpu = rt.homeCpu; // stress mode never migrates a task
    this.m = rt.m;
    this.ctl = new Int32Array(ctl);
    this.rng = (Math.imul(seed | 0, 0x9e3779b1) ^ ((cpu + 1) * 0x85ebca6b)) | 1;
    this.progress = progressWord(cpu);
    this.pending = pendingWord(cpu);
    this.ownLocks = new SpinningLocks(rt, (n) => this.backoff(n));
  }

  /** A new trial on this CPU. */
  beginTrial(): void {
    this.rt.syncTrial();
    this.countedDone = false;
  }

  // ---------------------------------------------------------------- points and interrupts

  point(): void {
    if (this.rt.unwinding) throw new TrialOver();
    this.poll();
  }

  /** Stop and trial-end checks, the IRQ source, and pending interrupts. */
  private poll(): void {
    const m = this.m;
    const rt = this.rt;
    if (Atomics.load(m, H.STOP) !== 0) {
      rt.unwind();
      throw new BatchStop();
    }
    const state = Atomics.load(m, H.TSTATE);
    if (state !== TrialState.RUNNING) {
      // every task is done: a handler still running finishes first (check() sees its effects)
      if (state !== TrialState.DONE || rt.depth() === 0) this.leave();
      return;
    }
    if (rt.L.lines.length === 0) return;
    this.raiseSometimes();
    if (m[rt.me + C.IRQS_OFF] === 0 && Atomics.load(this.ctl, this.pending) !== 0) this.takeIrqs();
  }

  private leave(): never {
    this.rt.unwind();
    throw new TrialOver();
  }

  private next(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.rng = x) >>> 0;
  }

  /** The IRQ source: now and then raise a line with budget left on one of its CPUs. */
  private raiseSometimes(): void {
    const r = this.next();
    if (r % IRQ_ODDS !== 0) return;
    const L = this.rt.L;
    const l = (r >>> 8) % L.lines.length;
    if (l >= 31 || Atomics.load(this.m, L.line(l) + LN.FIRES_LEFT) <= 0) return;
    const cpus = L.lines[l]!.cpus;
    const c = cpus[(r >>> 16) % cpus.length]!;
    Atomics.or(this.ctl, pendingWord(c), 1 << l);
  }

  /** Take the lines pending here; a line already running on another CPU stays masked. */
  private takeIrqs(): void {
    const m = this.m;
    let bits = Atomics.exchange(this.ctl, this.pending, 0);
    while (bits !== 0) {
      const l = 31 - Math.clz32(bits);
      bits &= ~(1 << l);
      const lb = this.rt.L.line(l);
      if (Atomics.compareExchange(m, lb + LN.ACTIVE, 0, 1) !== 0) continue;
      if (m[lb + LN.FIRES_LEFT]! <= 0 || lineMasked(m, lb)) {
        Atomics.store(m, lb + LN.ACTIVE, 0);
        continue;
      }
      runIrq(this.rt, l);
      Atomics.store(m, lb + LN.ACTIVE, 0);
    }
  }

  /** Nobody is asked: the fault never happens. */
  chooseFault(): boolean {
    if (this.rt.unwinding) throw new TrialOver();
    return false;
  }

  /** Stress mode runs on the host's own memory: the newest value, always. */
  chooseValue(): number {
    return 0;
  }

  // ---------------------------------------------------------------- events

  claimSeq(): number {
    // the sequence word has a cache line of its own (stress-control.ts)
    const seq = Atomics.add(this.ctl, SC.SEQ, 1);
    if (seq >= this.rt.L.limits.maxEvents) {
      Atomics.compareExchange(this.m, H.TSTATE, TrialState.RUNNING, TrialState.STEP_LIMIT);
      this.leave();
    }
    return seq;
  }

  eventCount(): number {
    return Math.min(Atomics.load(this.ctl, SC.SEQ), this.rt.L.limits.maxEvents);
  }

  /** The watchdog's progress counter moves with every event. */
  published(): void {
    this.ctl[this.progress] = this.ctl[this.progress]! + 1;
  }

  /** The first CPU to end the trial says why; every CPU then leaves it. */
  endTrial(state: number): never {
    const m = this.m;
    if (Atomics.compareExchange(m, H.TSTATE, TrialState.RUNNING, state) === TrialState.RUNNING) {
      m[H.END_CPU] = this.rt.cpu;
      Atomics.notify(m, H.TSTATE);
    }
    this.leave();
  }

  // ---------------------------------------------------------------- waiting

  waitTurn(): void {
    this.backoff(WAIT_TURN_BACKOFF);
  }

  /** The task is done (or there is none): take interrupts until every task is done. */
  idle(): never {
    const m = this.m;
    if (!this.countedDone && this.rt.task) {
      this.countedDone = true;
      if (Atomics.add(this.ctl, SC.DONE_TASKS, 1) + 1 >= this.rt.def.tasks.length) {
        Atomics.compareExchange(m, H.TSTATE, TrialState.RUNNING, TrialState.DONE);
        Atomics.notify(m, H.TSTATE);
      }
    }
    for (let i = 0; ; i++) {
      this.poll();
      if (i > 64) Atomics.wait(m, H.TSTATE, TrialState.RUNNING, 1);
    }
  }

  private backoff(n: number): void {
    this.poll();
    const m = this.m;
    for (let i = Math.min(n, MAX_BACKOFF); i > 0; i--) Atomics.load(m, H.STOP);
  }
}
