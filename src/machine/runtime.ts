/**
 * One simulated CPU, as seen from the worker thread that runs it. The kernel API calls the
 * doors here, the same few for every kernel object (as loom's runtime does):
 *
 *   point()            a scheduling point: the strategy may hand the baton to another CPU or
 *                      deliver an interrupt here, before the caller touches shared state
 *   emit()             append an event to the trial's log
 *   acquire/release    take a lock (blocking: the context is not enabled until it is free)
 *   runIrq()           run an interrupt handler nested on this CPU's own stack
 *
 * Controlled mode: exactly one CPU holds the baton. The holder asks the strategy who runs next
 * and hands over directly: store + notify on that CPU's own wait word, then wait on its own.
 * A CPU that continues costs no hand-off at all.
 *
 * Unwinding: a trial can end while other CPUs are deep inside scenario code (a deadlock). Their
 * stacks are unwound lazily with TrialAbort when they are next handed the baton, and every
 * kernel call made while unwinding (a `finally` in scenario code) throws again at once.
 */
import {
  Ctx,
  EV_WORDS,
  EvFlag,
  F_A,
  F_B,
  F_CPU,
  F_CTX,
  F_FLAGS,
  F_FN,
  F_OBJ,
  F_OP,
  F_PCOUNT,
  F_SEQ,
  F_SITE,
  F_TID,
  F_AGENT,
  HARDIRQ_MASK,
  HARDIRQ_OFFSET,
  LockFlag,
  SOFTIRQ_MASK,
  Op,
  kfn,
} from './events.ts';
import { C, CX, H, HL, LN, Order, TrialState, type Layout } from './layout.ts';
import { CTX_MAX, HELD_MAX } from './capacities.ts';
import { lockWords, objectKind } from './object-kinds.ts';
import { WAIT_KEY_SHIFT, WAIT_TIMEOUT, WAIT_WAKEABLE, WAIT_WOKEN, waiterKey } from './wait.ts';
import { doSoftirq } from './bottom-halves.ts';
import { kworkerLoop } from './workqueue.ts';
import { IrqActions } from './irq-actions.ts';
import { Cells } from './cells.ts';
import { Heap } from './heap.ts';
import { StringTable } from './strings.ts';
import { captureSite, userFrame } from './call-site.ts';
import { availableParallelism } from 'node:os';
import type { ScenarioDef, TaskDecl } from './declarations.ts';
import {
  END_OPTION,
  SOFTIRQ_LINE,
  irqOption,
  isIrqOption,
  isWakeOption,
  optionCpu,
  optionLine,
  wakeOption,
  wakeOptionAgent,
  type Decision,
  type Strategy,
} from '../sched/strategy.ts';

/** The CPU that opens and closes trials. */
export const CLOSER = 0;
/** Longest single Atomics.wait: a waiting worker looks at the stop word this often. */
const WAIT_SLICE_MS = 50;
/**
 * Polls of the wait word before sleeping in Atomics.wait. Spinning only pays when every CPU
 * thread has a core of its own (otherwise it steals the core the baton holder needs).
 */
const SPIN_POLLS = 4000;

/**
 * Base of smpsim's own control-flow exceptions: never a scenario's error. Not an Error: these
 * are thrown at the end of most trials, and an Error's stack capture would cost more than the
 * trial itself.
 */
export class ControlFlow {
  constructor(readonly message = 'smpsim control flow') {}
}
/** The trial is over; unwind to the batch loop. */
export class TrialOver extends ControlFlow {}
/** This stack belongs to a trial that is already over; `pending` is the order that woke us. */
export class TrialAbort extends ControlFlow {
  constructor(readonly pending: number) {
    super('trial over');
  }
}
/** The batch is over (or the machine is stopping): leave. */
export class BatchStop extends ControlFlow {}

const RUNTIME = Symbol.for('smpsim.cpu-runtime');

/** The runtime of the CPU this thread simulates, if any. */
export function currentRuntime(): CpuRuntime | undefined {
  return (globalThis as Record<symbol, CpuRuntime | undefined>)[RUNTIME];
}
export function installRuntime(rt: CpuRuntime | undefined): void {
  (globalThis as Record<symbol, CpuRuntime | undefined>)[RUNTIME] = rt;
}

type IrqHandler = (state: unknown, irq: number) => unknown;

export class CpuRuntime {
  readonly m: Int32Array;
  readonly strings: StringTable;
  /** offset of this CPU's block */
  readonly me: number;
  readonly task: TaskDecl | undefined;
  readonly taskIndex: number;
  /** the trial this worker's stack belongs to */
  localTrial = -1;
  taskStarted = false;
  /** depth of trial code (tasks, handlers) on this worker's stack */
  nested = 0;
  /** a TrialOver/TrialAbort is propagating through scenario code */
  unwinding = false;
  /** scenario code of a trial is running on this CPU (kernel calls are legal) */
  onCpu = false;
  capture = false;
  /** see SPIN_POLLS; 0 when the machine has more CPUs than the host has cores */
  spinPolls = 0;
  /** the bound scenario state handed to tasks and handlers */
  state: unknown = undefined;
  readonly handlers: IrqHandler[][];
  /** request_irq() actions (the table itself is in the shared buffer) and known functions */
  readonly actions: IrqActions;
  /** the door to declared objects' value words (atomic_t, shared ints) */
  readonly cells: Cells;
  /** kmalloc's handles */
  readonly heap: Heap;
  private readonly opts: Int32Array;
  private readonly decision: { current: number; options: Int32Array; n: number; step: number };
  private readonly fnIrq = kfn('irq_handler');
  private readonly fnTask = kfn('task');

  /** the CPU this agent runs on (what smp_processor_id() says, and events record) */
  readonly cpu: number;
  /** this agent is its CPU's kworker (runs work items) */
  readonly kworker: boolean;
  /** local_softirq_pending() of this CPU: softirqs are per CPU, kept in its primary block */
  readonly softirqPending: number;

  /**
   * @param agent the thread of execution this worker is: agent c < ncpus is CPU c's primary
   *              agent, so with one task per CPU agent and CPU are the same number
   */
  constructor(
    readonly L: Layout,
    readonly def: ScenarioDef,
    readonly sab: SharedArrayBuffer,
    readonly agent: number,
    public strategy: Strategy,
  ) {
    this.m = new Int32Array(sab, 0, L.totalWords);
    this.strings = new StringTable(this.m, new Uint8Array(sab), L);
    this.me = L.cpu(agent);
    this.cpu = L.agents[agent]!.cpu;
    this.kworker = L.agents[agent]!.kind === 'kworker';
    this.softirqPending = L.cpu(this.cpu) + C.SOFTIRQ_PENDING;
    this.taskIndex = L.tasks.findIndex((t) => t.agent === agent);
    this.task = this.taskIndex >= 0 ? def.tasks[this.taskIndex] : undefined;
    this.handlers = (def.irqs ?? []).map((d) => (d.handler ? [d.handler as IrqHandler] : []));
    let maxOpts = 2 * L.nagents + L.ncpus + 1; // agents, early wake-ups, softirq runs, end
    for (const line of L.lines) maxOpts += line.cpus.length;
    this.actions = new IrqActions(this);
    this.cells = new Cells(this.m);
    this.heap = new Heap(this.m, L.heapBase);
    this.opts = new Int32Array(maxOpts);
    this.decision = { current: agent, options: this.opts, n: 0, step: 0 };
    this.spinPolls = L.nagents <= availableParallelism() ? SPIN_POLLS : 0;
  }

  // ---------------------------------------------------------------- context state

  /** depth of the context stack (0: idle) */
  depth(): number {
    return this.m[this.me + C.NCTX]!;
  }
  private ctxAt(c: number, d: number): number {
    return this.L.ctxEntry(c, d);
  }
  /** kind of the innermost context (Ctx.*) */
  ctxKind(): number {
    const d = this.depth();
    return d === 0 ? Ctx.TASK : this.m[this.ctxAt(this.agent, d - 1) + CX.KIND]!;
  }
  /** pid `current` has: the task's, or 0 (swapper) on an idle CPU */
  pid(): number {
    const d = this.depth();
    return d === 0 ? 0 : this.m[this.ctxAt(this.agent, d - 1) + CX.TID]!;
  }
  pushContext(kind: number, pid: number, nr: number): void {
    const d = this.depth();
    if (d >= CTX_MAX) throw new Error(`interrupt nesting deeper than ${CTX_MAX}`);
    const e = this.ctxAt(this.agent, d);
    const m = this.m;
    m[e + CX.KIND] = kind;
    m[e + CX.TID] = pid;
    m[e + CX.NR] = nr;
    m[e + CX.WAIT_OBJ] = -1;
    m[e + CX.WAIT_FLAGS] = 0;
    m[e + CX.WAIT_SEQ] = -1;
    m[this.me + C.NCTX] = d + 1;
  }
  popContext(): void {
    this.m[this.me + C.NCTX] = this.depth() - 1;
  }
  irqsDisabled(): boolean {
    return this.m[this.me + C.IRQS_OFF] !== 0;
  }
  setIrqsDisabled(off: boolean): void {
    this.m[this.me + C.IRQS_OFF] = off ? 1 : 0;
  }
  preemptCount(): number {
    return this.m[this.me + C.PCOUNT]!;
  }
  preemptAdd(delta: number): void {
    this.m[this.me + C.PCOUNT] = this.m[this.me + C.PCOUNT]! + delta;
  }
  jiffies(): number {
    return this.m[H.JIFFIES]!;
  }
  /** Virtual time passes (a sleep, a timeout that fires). */
  advanceJiffies(j: number): void {
    this.m[H.JIFFIES] = (this.m[H.JIFFIES]! + j) | 0;
  }
  /** local_softirq_pending() != 0 on this agent's CPU */
  softirqsPending(): boolean {
    return this.m[this.softirqPending] !== 0;
  }

  // ---------------------------------------------------------------- events

  /** Append an event stamped with this CPU's context and state; returns its seq. */
  emit(op: number, obj: number, a: number, b: number, fn: number): number {
    const m = this.m;
    const seq = m[H.NEV]!;
    if (seq >= this.L.limits.maxEvents) this.endTrial(TrialState.STEP_LIMIT);
    this.writeEvent(seq, op, obj, a, b, fn, this.capture ? this.strings.intern(captureSite(), this.localTrial) : 0);
    m[H.NEV] = seq + 1;
    m[H.STEP] = m[H.STEP]! + 1;
    return seq;
  }

  /** Fill event record `seq`, stamped with this CPU's context and irq/preempt state. */
  protected writeEvent(seq: number, op: number, obj: number, a: number, b: number, fn: number, site: number): void {
    const m = this.m;
    const at = this.L.eventBase + seq * EV_WORDS;
    m[at + F_SEQ] = seq;
    m[at + F_CPU] = this.cpu;
    m[at + F_CTX] = this.ctxKind();
    m[at + F_OP] = op;
    m[at + F_OBJ] = obj;
    m[at + F_A] = a;
    m[at + F_B] = b;
    m[at + F_SITE] = site;
    m[at + F_PCOUNT] = m[this.me + C.PCOUNT]!;
    m[at + F_FLAGS] = m[this.me + C.IRQS_OFF] ? EvFlag.IRQS_DISABLED : 0;
    m[at + F_FN] = fn;
    m[at + F_TID] = this.pid();
    m[at + F_AGENT] = this.agent;
  }

  // ---------------------------------------------------------------- scheduling

  /** A scheduling point, before a kernel call touches shared or irq state. */
  point(): void {
    if (this.unwinding) throw new TrialAbort(Order.NONE);
    this.decideLoop();
  }

  /**
   * Decide, and act on the decision until this CPU is the one to go on. Interrupts delivered
   * here run nested, then the decision is made again.
   */
  decideLoop(): void {
    for (;;) {
      const o = this.decide();
      if (o === this.agent) return this.running();
      if (isIrqOption(o)) {
        // an interrupt is taken by whichever agent its CPU ran last
        const a = this.m[this.L.cpuCurrent(optionCpu(o))]!;
        if (a === this.agent) {
          this.runIrq(optionLine(o));
          continue;
        }
        this.handTo(a, Order.IRQ, optionLine(o));
      } else {
        this.handTo(o, Order.RUN, 0);
      }
      if (this.awaitBaton() === Order.IRQ) {
        this.runIrq(this.m[this.me + C.ORDER_ARG]!);
        continue;
      }
      return this.running();
    }
  }

  /** This agent goes on: it is now the one its CPU runs. */
  private running(): void {
    this.m[this.L.cpuCurrent(this.cpu)] = this.agent;
  }

  /** List the options, ask the strategy, record the choice; returns the option taken. */
  private decide(): number {
    const m = this.m;
    const opts = this.opts;
    const L = this.L;
    let n = 0;
    const step = (m[H.DECISIONS] = m[H.DECISIONS]! + 1);
    if (this.enabled(this.agent)) opts[n++] = this.agent;
    for (let a = 0; a < L.nagents; a++) if (a !== this.agent && this.enabled(a)) opts[n++] = a;
    // the end: every task done, no handler still running anywhere, no softirq left to run
    if (n === 0 && m[H.LIVE] === 0 && m[H.SOFTIRQ_CPUS] === 0) opts[n++] = END_OPTION;
    if (m[H.WAKEABLE] !== 0) n = this.listWakeups(n);
    for (let l = 0; l < L.lines.length; l++) {
      const lb = L.line(l);
      if (m[lb + LN.FIRES_LEFT]! <= 0 || m[lb + LN.ACTIVE] !== 0 || m[lb + LN.NACTIONS] === 0) continue;
      for (const c of L.lines[l]!.cpus) if (this.irqsOnCpu(c)) opts[n++] = irqOption(l, c);
    }
    if (m[H.SOFTIRQ_CPUS] !== 0) n = this.listSoftirqRuns(n);
    if (n === 0) this.endTrial(m[H.LIVE]! > 0 ? TrialState.DEADLOCK : TrialState.DONE);
    const o = opts[n > 1 ? this.pick(n, step) : 0]!;
    if (o === END_OPTION) this.endTrial(TrialState.DONE);
    if (isWakeOption(o)) return this.wakeEarly(wakeOptionAgent(o));
    return o;
  }

  /** Ask the strategy among the first n options and record the choice in the trial's schedule. */
  private pick(n: number, step: number): number {
    const m = this.m;
    const d = this.decision;
    d.current = this.agent;
    d.n = n;
    d.step = step;
    const idx = this.strategy.choose(d as Decision);
    const k = m[H.NCHOICE]!;
    if (k < this.L.limits.maxChoices) {
      m[this.L.choiceBase + k] = idx;
      m[H.NCHOICE] = k + 1;
    }
    return idx;
  }

  /**
   * A fault the scenario opted into (an allocation failing …): a two-way choice in the same
   * stream as every other, index 0 being "no fault". True when the fault happens.
   */
  chooseFault(): boolean {
    if (this.unwinding) throw new TrialAbort(Order.NONE);
    const m = this.m;
    const step = (m[H.DECISIONS] = m[H.DECISIONS]! + 1);
    this.opts[0] = this.agent;
    this.opts[1] = wakeOption(this.agent);
    return this.pick(2, step) === 1;
  }

  /** Waits a timeout or a signal may end, of contexts that cannot go on by themselves. */
  private listWakeups(n: number): number {
    const m = this.m;
    for (let c = 0; c < this.L.nagents; c++) {
      const d = m[this.L.cpu(c) + C.NCTX]!;
      if (d === 0) continue;
      const e = this.ctxAt(c, d - 1);
      const wf = m[e + CX.WAIT_FLAGS]!;
      if (m[e + CX.WAIT_OBJ]! < 0 || (wf & WAIT_WAKEABLE) === 0 || (wf & WAIT_WOKEN) !== 0 || this.enabled(c)) continue;
      this.opts[n++] = wakeOption(c);
    }
    return n;
  }

  /** CPUs where pending softirqs may run now: irqs on, not in hardirq or softirq context. */
  private listSoftirqRuns(n: number): number {
    const m = this.m;
    for (let c = 0; c < this.L.ncpus; c++) {
      // pending bits live in the CPU's primary block; the state that matters is the running agent's
      const b = this.L.cpu(m[this.L.cpuCurrent(c)]!);
      if (m[this.L.cpu(c) + C.SOFTIRQ_PENDING] === 0 || !this.irqsOnCpu(c) || (m[b + C.PCOUNT]! & (HARDIRQ_MASK | SOFTIRQ_MASK)) !== 0) continue;
      this.opts[n++] = irqOption(SOFTIRQ_LINE, c);
    }
    return n;
  }

  /** End CPU c's wait early (its timeout expired, or a signal came); returns c. */
  private wakeEarly(c: number): number {
    const m = this.m;
    const e = this.ctxAt(c, m[this.L.cpu(c) + C.NCTX]! - 1);
    const wf = m[e + CX.WAIT_FLAGS]!;
    m[e + CX.WAIT_FLAGS] = wf | WAIT_WOKEN;
    if (wf & WAIT_TIMEOUT && m[e + CX.DEADLINE]! > m[H.JIFFIES]!) m[H.JIFFIES] = m[e + CX.DEADLINE]!;
    return c;
  }

  /** Can agent c's innermost context go on? */
  enabled(c: number): boolean {
    const m = this.m;
    const d = m[this.L.cpu(c) + C.NCTX]!;
    if (d === 0) return false;
    const e = this.ctxAt(c, d - 1);
    const w = m[e + CX.WAIT_OBJ]!;
    if (w >= 0 && (m[e + CX.WAIT_FLAGS]! & WAIT_WOKEN) === 0) {
      const info = this.L.objects[w]!;
      if (!lockWords(info.kind).canTake(m, info.offset, m[e + CX.WAIT_FLAGS]!)) return false;
    }
    const mates = this.L.cpuAgents[this.L.agents[c]!.cpu]!;
    return mates.length === 1 || this.othersPreemptible(c, mates);
  }

  /**
   * Agents sharing one CPU take turns only where a context switch could happen: every other
   * agent of the CPU has nothing to run, or could be preempted (no preempt_count, irqs on).
   */
  private othersPreemptible(c: number, mates: number[]): boolean {
    const m = this.m;
    for (const b of mates) {
      if (b === c) continue;
      const base = this.L.cpu(b);
      if (m[base + C.NCTX] !== 0 && (m[base + C.PCOUNT] !== 0 || m[base + C.IRQS_OFF] !== 0)) return false;
    }
    return true;
  }

  /** Interrupts can be delivered to CPU c: none of its agents has them disabled. */
  private irqsOnCpu(c: number): boolean {
    const m = this.m;
    const mates = this.L.cpuAgents[c]!;
    if (mates.length === 1) return m[this.L.cpu(c) + C.IRQS_OFF] === 0;
    for (const b of mates) if (m[this.L.cpu(b) + C.IRQS_OFF] !== 0) return false;
    return true;
  }

  handTo(c: number, order: number, arg: number): void {
    const m = this.m;
    const base = this.L.cpu(c);
    m[base + C.ORDER] = order;
    m[base + C.ORDER_ARG] = arg;
    m[H.BATON] = c;
    m[H.SWITCHES] = m[H.SWITCHES]! + 1;
    Atomics.store(m, base + C.WAKE, 1);
    Atomics.notify(m, base + C.WAKE, 1);
  }

  /**
   * Wait until the baton is handed to this CPU; returns the order. Every wait is finite: the
   * stop word is looked at between slices, so a stopped machine never leaves a thread behind.
   */
  awaitBaton(): number {
    const m = this.m;
    const w = this.me + C.WAKE;
    for (let i = this.spinPolls; i > 0 && Atomics.load(m, w) === 0; i--);
    while (Atomics.load(m, w) === 0) {
      if (Atomics.wait(m, w, 0, WAIT_SLICE_MS) === 'timed-out' && Atomics.load(m, H.STOP) !== 0) throw new BatchStop();
    }
    Atomics.store(m, w, 0);
    if (Atomics.load(m, H.STOP) !== 0) throw new BatchStop();
    const order = m[this.me + C.ORDER]!;
    if (order === Order.CLOSE) {
      this.unwinding = this.nested > 0;
      throw new TrialOver();
    }
    if (m[H.TRIAL] !== this.localTrial) {
      if (this.nested > 0) {
        this.unwinding = true;
        throw new TrialAbort(order);
      }
      this.syncTrial();
    }
    return order;
  }

  /** Adopt the trial now running (fresh per-trial state on this worker). */
  syncTrial(): void {
    this.localTrial = this.m[H.TRIAL]!;
    this.taskStarted = false;
  }

  /** End the trial: record why, hand the baton to the closer, unwind this stack. */
  endTrial(state: number): never {
    const m = this.m;
    if (m[H.TSTATE] === TrialState.RUNNING) {
      m[H.TSTATE] = state;
      if (m[H.END_CPU]! < 0) m[H.END_CPU] = this.cpu;
    }
    if (this.agent !== CLOSER) this.handTo(CLOSER, Order.CLOSE, 0);
    this.unwinding = this.nested > 0;
    throw new TrialOver();
  }

  /** A task or handler threw: record it as the trial's exception and end the trial. */
  fail(e: unknown, where: string): never {
    const err = e instanceof Error ? e : new Error(String(e));
    const f = userFrame(err.stack);
    const text = `${err.name}: ${err.message}${f ? ` at ${f.file}:${f.line}` : ''} (in ${where})`;
    this.m[H.EXC_STR] = this.strings.intern(text, this.localTrial);
    this.m[H.END_CPU] = this.cpu;
    this.endTrial(TrialState.EXCEPTION);
  }

  // ---------------------------------------------------------------- locks

  /**
   * Take lock `obj` (LockFlag bits in `flags`), waiting while it is busy. A sleeping lock's
   * waiter blocks (BLOCK event). `waitMode` (wait.ts WAIT_TIMEOUT / WAIT_SIGNAL) lets the
   * strategy end the wait early: then nothing is taken and the result is false.
   */
  acquire(obj: number, flags: number, fn: number, waitMode = 0, deadline = 0): boolean {
    const m = this.m;
    const info = this.L.objects[obj]!;
    const kind = objectKind(info.kind);
    const ops = lockWords(info.kind);
    if (!ops.canTake(m, info.offset, flags)) {
      const seq = this.emit(Op.LOCK_CONTENDED, obj, flags, 0, fn);
      if (kind.sleeps) this.block(obj, fn);
      const d = this.depth() - 1;
      const e = this.ctxAt(this.agent, d);
      const wf = flags | waitMode | (waiterKey(this.agent, d) << WAIT_KEY_SHIFT);
      m[e + CX.WAIT_OBJ] = obj;
      m[e + CX.WAIT_FLAGS] = wf;
      m[e + CX.WAIT_SEQ] = seq;
      m[e + CX.DEADLINE] = deadline;
      if (waitMode !== 0) m[H.WAKEABLE] = m[H.WAKEABLE]! + 1;
      ops.waitBegin?.(m, info.offset, wf);
      let woken = false;
      for (;;) {
        this.decideLoop();
        if (ops.canTake(m, info.offset, wf)) break;
        if ((woken = (m[e + CX.WAIT_FLAGS]! & WAIT_WOKEN) !== 0)) break;
      }
      if (waitMode !== 0) m[H.WAKEABLE] = m[H.WAKEABLE]! - 1;
      ops.waitEnd?.(m, info.offset, wf);
      m[e + CX.WAIT_OBJ] = -1;
      if (woken) {
        this.emit(Op.WAKE, obj, this.cpu, this.pid(), fn);
        return false;
      }
    }
    ops.take(m, info.offset, flags, this.cpu, this.pid());
    this.acquired(obj, flags, fn, kind.owned);
    return true;
  }

  /** This context really sleeps now (on `obj`, or -1). In atomic context F_A names the site. */
  block(obj: number, fn: number): void {
    const atomic = this.preemptCount() !== 0;
    this.emit(Op.BLOCK, obj, atomic ? this.siteId() : 0, 0, fn);
  }

  /** String id of the scenario's call site now (a stack capture: for the rare path only). */
  siteId(): number {
    return this.strings.intern(captureSite(), this.localTrial);
  }

  /** Try once; true when taken. A failed try is an event but takes nothing. */
  tryAcquire(obj: number, flags: number, fn: number): boolean {
    const info = this.L.objects[obj]!;
    const ops = lockWords(info.kind);
    if (!ops.canTake(this.m, info.offset, flags)) {
      this.emit(Op.TRYLOCK_FAILED, obj, flags, 0, fn);
      return false;
    }
    ops.take(this.m, info.offset, flags, this.cpu, this.pid());
    this.acquired(obj, flags, fn, objectKind(info.kind).owned);
    return true;
  }

  release(obj: number, flags: number, fn: number): void {
    const info = this.L.objects[obj]!;
    const ops = lockWords(info.kind);
    ops.release(this.m, info.offset, flags);
    const owned = objectKind(info.kind).owned;
    const held = owned ? this.findHeld(obj) : -1;
    if (held >= 0) this.removeHeld(held);
    this.emit(Op.LOCK_RELEASE, obj, held >= 0 || !owned ? flags : flags | LockFlag.NOT_HELD, held + 1, fn);
  }

  /** The LOCK_ACQUIRE of a lock just taken, and its held-stack entry when it has an owner. */
  protected acquired(obj: number, flags: number, fn: number, owned: boolean): void {
    const slot = owned ? this.heldCount() + 1 : 0;
    const seq = this.emit(Op.LOCK_ACQUIRE, obj, flags, slot, fn);
    if (owned) this.pushHeld(obj, flags, seq);
  }

  isLocked(obj: number): boolean {
    const info = this.L.objects[obj]!;
    return !lockWords(info.kind).canTake(this.m, info.offset, 0);
  }

  protected pushHeld(obj: number, flags: number, seq: number): void {
    const m = this.m;
    const n = m[this.me + C.HELD_N]!;
    if (n >= HELD_MAX) throw new Error(`more than ${HELD_MAX} locks held (MAX_LOCK_DEPTH)`);
    const e = this.L.heldEntry(this.agent, n);
    m[e + HL.OBJ] = obj;
    m[e + HL.FLAGS] = flags;
    m[e + HL.SEQ] = seq;
    m[e + HL.CTXI] = this.depth() - 1;
    m[this.me + C.HELD_N] = n + 1;
  }

  /** Index of `obj` in the held stack, taken by the current context; -1 when not held. */
  protected findHeld(obj: number): number {
    const m = this.m;
    const ctxi = this.depth() - 1;
    for (let i = m[this.me + C.HELD_N]! - 1; i >= 0; i--) {
      const e = this.L.heldEntry(this.agent, i);
      if (m[e + HL.OBJ] === obj && m[e + HL.CTXI] === ctxi) return i;
    }
    return -1;
  }

  protected removeHeld(i: number): void {
    const m = this.m;
    const n = m[this.me + C.HELD_N]!;
    const from = this.L.heldEntry(this.agent, i + 1);
    const to = this.L.heldEntry(this.agent, i);
    m.copyWithin(to, from, this.L.heldEntry(this.agent, n));
    m[this.me + C.HELD_N] = n - 1;
  }

  heldCount(): number {
    return this.m[this.me + C.HELD_N]!;
  }

  // ---------------------------------------------------------------- tasks and interrupts

  /**
   * Wait, not enabled, until object `obj` would let a context take it with `flags` (its
   * lock-words entry says), without taking it: flush_work, a kworker's empty queue.
   */
  waitUntil(obj: number, flags: number, seq: number): void {
    const m = this.m;
    const info = this.L.objects[obj]!;
    const ops = lockWords(info.kind);
    if (ops.canTake(m, info.offset, flags)) return;
    const e = this.ctxAt(this.agent, this.depth() - 1);
    m[e + CX.WAIT_OBJ] = obj;
    m[e + CX.WAIT_FLAGS] = flags;
    m[e + CX.WAIT_SEQ] = seq;
    do this.decideLoop();
    while (!ops.canTake(m, info.offset, flags));
    m[e + CX.WAIT_OBJ] = -1;
  }

  /** Run this agent's task from its start; once it returns the agent idles (never returns). */
  runTask(): never {
    this.taskStarted = true;
    this.nested++;
    this.onCpu = true;
    if (this.kworker) kworkerLoop(this);
    this.emit(Op.TASK_START, -1, this.taskIndex, 0, this.fnTask);
    try {
      this.task!.run(this.state);
    } catch (e) {
      if (e instanceof ControlFlow) throw e;
      this.fail(e, `task ${this.L.tasks[this.taskIndex]!.name}`);
    }
    this.emit(Op.TASK_END, -1, this.heldCount(), 0, this.fnTask);
    this.onCpu = false;
    this.popContext();
    this.m[H.LIVE] = this.m[H.LIVE]! - 1;
    // Idle until the trial ends. `nested` stays raised: this wait is still on the trial's
    // stack, so the next trial's first order unwinds it (TrialAbort) like any stale stack.
    this.decideLoop();
    throw new Error('an idle CPU was scheduled to run');
  }

  /**
   * Deliver line `l` here: the handler runs nested on this CPU's stack in hardirq context,
   * with irqs off and the line masked on every CPU until it returns.
   */
  runIrq(l: number): void {
    if (l === SOFTIRQ_LINE) {
      doSoftirq(this);
      return;
    }
    const m = this.m;
    const lb = this.L.line(l);
    const line = this.L.lines[l]!;
    m[lb + LN.FIRES_LEFT] = m[lb + LN.FIRES_LEFT]! - 1;
    m[lb + LN.ACTIVE] = 1;
    m[this.L.irqCount(l, this.cpu)] = m[this.L.irqCount(l, this.cpu)]! + 1;
    const savedOff = m[this.me + C.IRQS_OFF]!;
    const wasOnCpu = this.onCpu;
    m[this.me + C.IRQS_OFF] = 1;
    this.preemptAdd(HARDIRQ_OFFSET);
    this.pushContext(Ctx.HARDIRQ, this.pid(), l);
    this.nested++;
    this.onCpu = true;
    this.emit(Op.IRQ_ENTER, -1, l, line.irq, this.fnIrq);
    let ret = 0;
    const where = `irq ${line.irq} handler (${line.name})`;
    for (const h of this.handlers[l]!) ret |= this.callHandler(() => h(this.state, line.irq), where);
    ret |= this.actions.run(l, line.irq, where);
    this.emit(Op.IRQ_EXIT, -1, l, ret, this.fnIrq);
    this.onCpu = wasOnCpu;
    this.nested--;
    this.popContext();
    this.preemptAdd(-HARDIRQ_OFFSET);
    m[lb + LN.ACTIVE] = 0;
    // irq_exit(): pending softirqs run here unless this irq interrupted one or bh is disabled
    if (m[this.softirqPending] !== 0 && (this.preemptCount() & (HARDIRQ_MASK | SOFTIRQ_MASK)) === 0) doSoftirq(this);
    m[this.me + C.IRQS_OFF] = savedOff;
  }

  /**
   * Run scenario code in an interrupt or softirq context; its irqreturn_t (a handler that
   * returns nothing counts as IRQ_HANDLED, 1). A throw ends the trial as an exception.
   */
  callHandler(run: () => unknown, where: string): number {
    try {
      const r = run();
      return r === undefined ? 1 : Number(r) | 0;
    } catch (e) {
      if (e instanceof ControlFlow) throw e;
      this.fail(e, where);
    }
  }

  /** End the trial because scenario code asked for it (BUG_ON). */
  bug(message: string, seq: number): never {
    this.m[H.EXC_STR] = this.strings.intern(message, this.localTrial);
    this.m[H.END_CPU] = this.cpu;
    this.m[H.END_EVENT] = seq;
    this.endTrial(TrialState.BUG);
  }
}

