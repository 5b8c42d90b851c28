/**
 * One agent of the simulated machine, as seen from the worker thread that runs it. The kernel
 * API calls the doors here, the same few for every kernel object (as loom's runtime does):
 *
 *   point()            a scheduling point: the strategy may hand the baton to another CPU or
 *                      deliver an interrupt here, before the caller touches shared state
 *   emit()             append an event to the trial's log
 *   acquire/release    take a lock (blocking: the context is not enabled until it is free)
 *   runIrq()           run an interrupt handler nested on this CPU's own stack
 *
 * What differs between controlled and stress mode (who runs next, how a context waits, how
 * events get their seq, how a trial ends) is the policy it is given (run-policy.ts):
 * controlled-policy.ts or stress-policy.ts. The runtime itself is the same in both.
 *
 * Unwinding: a trial can end while other agents are deep inside scenario code (a deadlock).
 * Their stacks are unwound lazily when they next look (the policy says when), and every kernel
 * call made while unwinding (a `finally` in scenario code) throws again at once.
 *
 * The jobs around it each have a module that owns its state: decisions.ts (the options and the
 * strategy's pick), baton.ts (hand-offs, stop), locks.ts (acquire/release and the held stack),
 * agent-run.ts (tasks and interrupts), event-record.ts (the event writer), cells.ts and heap.ts
 * (the doors to object words and kmalloc), control-flow.ts (the unwinding exceptions),
 * weak-memory.ts (store buffers and views, under a 'tso' or 'weak' memory model).
 */
import { isKernelUsageError } from './usage-error.ts';
import { Ctx, Op } from './events.ts';
import { C, CX, H, TrialState, type Layout } from './layout.ts';
import { CTX_MAX } from './capacities.ts';
import { IrqActions } from './irq-actions.ts';
import { Locks } from './locks.ts';
import type { HandoffSpin } from './baton.ts';
import { Cells } from './cells.ts';
import { Heap } from './heap.ts';
import { StringTable } from './strings.ts';
import { captureSite, userFrame } from './call-site.ts';
import { writeEventRecord, type EventStamp } from './event-record.ts';
import type { ScenarioDef, TaskDecl } from './declarations.ts';
import type { RunPolicy } from './run-policy.ts';
import type { Strategy } from '../sched/strategy.ts';
import { Access } from '../sched/footprint.ts';
import { publishFootprint } from './footprints.ts';
import { lockAcquired, lockReleasing, WeakMemory } from './weak-memory.ts';
import { drainInSteps } from './memory-steps.ts';

/** The CPU that opens and closes trials. */
export const CLOSER = 0;

type IrqHandler = (state: unknown, irq: number) => unknown;

export class CpuRuntime<P extends RunPolicy = RunPolicy> {
  readonly m: Int32Array;
  readonly strings: StringTable;
  /** offset of this CPU's block */
  readonly me: number;
  readonly task: TaskDecl | undefined;
  readonly taskIndex: number;
  /** the trial this worker's stack belongs to (0: a fresh buffer's trial word, before any) */
  private trialNow = 0;
  /** this trial's task has been started on this agent */
  private taskStartedNow = false;
  /** depth of trial code (tasks, handlers) on this worker's stack */
  private nested = 0;
  /** a trial's end is propagating through scenario code */
  private unwindingNow = false;
  private onCpuNow = false;
  capture = false;
  /** the waiting side of hand-offs (set per batch from the host's thread count) */
  spin: HandoffSpin | undefined;
  /** the bound scenario state handed to tasks and handlers */
  state: unknown = undefined;
  readonly handlers: IrqHandler[][];
  /** request_irq() actions (the table itself is in the shared buffer) and known functions */
  readonly actions: IrqActions;
  /** the door to declared objects' value words (atomic_t, shared ints) */
  readonly cells: Cells;
  /** kmalloc's handles */
  readonly heap: Heap;
  /** what differs between controlled and stress mode (run-policy.ts) */
  readonly policy: P;
  /** taking, releasing and waiting for locks, and this agent's held-lock stack */
  readonly locks: Locks;
  /** store buffers and views under a 'tso' or 'weak' memory model; undefined under 'sc' */
  readonly memory: WeakMemory | undefined;
  /** the stamp of this agent's next event (reused: no allocation per event) */
  private readonly stamp: EventStamp;

  /** the CPU this agent starts each trial on (an unpinned task may migrate from it: `cpu`) */
  readonly homeCpu: number;
  /** this agent is its CPU's kworker (runs work items) */
  readonly kworker: boolean;
  /** this agent is a kernel thread: a kworker, a kthread or an irq thread */
  readonly kernelThread: boolean;

  /**
   * @param agent the thread of execution this worker is: agent c < ncpus is CPU c's primary
   *              agent, so with one task per CPU agent and CPU are the same number
   */
  constructor(
    readonly L: Layout,
    readonly def: ScenarioDef,
    readonly sab: SharedArrayBuffer,
    readonly agent: number,
    makePolicy: (rt: CpuRuntime<P>) => P,
  ) {
    this.m = new Int32Array(sab, 0, L.totalWords);
    this.strings = new StringTable(this.m, new Uint8Array(sab), L);
    this.me = L.agentBlock(agent);
    this.homeCpu = L.agents[agent]!.cpu;
    this.kworker = L.agents[agent]!.kind === 'kworker';
    this.kernelThread = L.agents[agent]!.pid !== undefined;
    this.taskIndex = L.tasks.findIndex((t) => t.agent === agent);
    this.task = this.taskIndex >= 0 ? def.tasks[this.taskIndex] : undefined;
    this.handlers = (def.irqs ?? []).map((d) => (d.handler ? [d.handler as IrqHandler] : []));
    this.actions = new IrqActions(this);
    this.cells = new Cells(this.m);
    this.heap = new Heap(this.m, L.heapBase);
    this.stamp = { cpu: this.homeCpu, ctx: 0, pcount: 0, irqsOff: false, tid: 0, agent };
    this.locks = new Locks(this);
    this.memory = L.memory.words > 0 ? new WeakMemory(this.m, L.memory, L.memoryCells) : undefined;
    this.policy = makePolicy(this);
  }

  // ---------------------------------------------------------------- trial code on this stack

  /** scenario code of a trial is running on this agent (kernel calls are legal) */
  get onCpu(): boolean {
    return this.onCpuNow;
  }
  /** Scenario code (a task, a handler) starts on this stack; returns what onCpu was. */
  enterTrialCode(): boolean {
    const was = this.onCpuNow;
    this.nested++;
    this.onCpuNow = true;
    return was;
  }
  /** It returned; `wasOnCpu` is what enterTrialCode() gave. */
  leaveTrialCode(wasOnCpu: boolean): void {
    this.onCpuNow = wasOnCpu;
    this.nested--;
  }
  /** The trial this worker's stack belongs to. */
  get localTrial(): number {
    return this.trialNow;
  }
  /** This trial's task has been started on this agent. */
  get taskStarted(): boolean {
    return this.taskStartedNow;
  }
  /** A trial's end is propagating through scenario code on this stack. */
  get unwinding(): boolean {
    return this.unwindingNow;
  }
  /** The trial is over for this stack: what trial code is on it unwinds. */
  unwind(): void {
    this.unwindingNow = this.nested > 0;
  }
  /** Trial code is on this stack (a task, a handler, the idle wait after a task). */
  get inTrialCode(): boolean {
    return this.nested > 0;
  }
  /** The batch loop caught a trial's end: no trial code is left on this stack. */
  unwound(): void {
    this.unwindingNow = false;
    this.nested = 0;
    this.onCpuNow = false;
  }
  /**
   * The task returned: kernel calls are no longer legal on this agent, but `nested` stays
   * raised, since the idle wait that follows is still on the trial's stack.
   */
  taskReturned(): void {
    this.onCpuNow = false;
  }
  /** The agent's task begins (once per trial). */
  startTask(): void {
    this.taskStartedNow = true;
  }
  /** Adopt the trial now running (fresh per-trial state on this worker). */
  syncTrial(): void {
    this.trialNow = this.m[H.TRIAL]!;
    this.taskStartedNow = false;
  }

  // ---------------------------------------------------------------- context state

  /**
   * The CPU this agent runs on now (what smp_processor_id() says, and events record): its home
   * CPU, unless it is an unpinned task that migrated (decisions.ts) during this trial.
   */
  get cpu(): number {
    return this.m[this.me + C.CPU]!;
  }
  /** local_softirq_pending()'s word for this agent's CPU: softirqs are per CPU, kept in its primary block */
  get softirqPending(): number {
    return this.L.agentBlock(this.cpu) + C.SOFTIRQ_PENDING;
  }

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

  /** Append an event stamped with this agent's context and state; returns its seq. */
  emit(op: number, obj: number, a: number, b: number, fn: number): number {
    const seq = this.policy.claimSeq();
    this.writeEvent(seq, op, obj, a, b, fn, this.capture ? this.strings.intern(captureSite(), this.trialNow) : 0);
    this.policy.published(seq);
    return seq;
  }

  /** Fill event record `seq`, stamped with this agent's context and irq/preempt state. */
  private writeEvent(seq: number, op: number, obj: number, a: number, b: number, fn: number, site: number): void {
    const s = this.stamp;
    s.cpu = this.m[this.me + C.CPU]!;
    s.ctx = this.ctxKind();
    s.pcount = this.m[this.me + C.PCOUNT]!;
    s.irqsOff = this.m[this.me + C.IRQS_OFF] !== 0;
    s.tid = this.pid();
    writeEventRecord(this.m, this.L.eventBase, seq, s, op, obj, a, b, fn, site);
  }

  // ---------------------------------------------------------------- the policy's jobs

  /**
   * A scheduling point, before a kernel call touches shared or irq state. `obj` and `access`
   * are the footprint of that call (sched/footprint.ts): what DPOR needs to know which steps
   * commute. A call that declares nothing is dependent with everything.
   */
  point(obj = -1, access: number = Access.ANY): void {
    publishFootprint(this.m, this.me, obj, access);
    this.policy.point();
  }
  /** Publish the footprint of what this agent does next, without a scheduling point. */
  footprint(obj: number, access: number): void {
    publishFootprint(this.m, this.me, obj, access);
  }
  /** This context cannot go on yet (a busy lock, an object it waits for): let the others run. */
  waitTurn(): void {
    this.policy.waitTurn();
  }
  /**
   * A fault the scenario opted into (an allocation failing …): a two-way choice in the same
   * stream as every other, index 0 being "no fault". True when the fault happens.
   */
  chooseFault(): boolean {
    return this.policy.chooseFault();
  }
  /** A read with `n` stores it may return: how many places older than the newest it reads. */
  chooseValue(n: number): number {
    return this.policy.chooseValue(n);
  }
  /** End the trial: record why, unwind this stack (the policy says how). */
  endTrial(state: number): never {
    return this.policy.endTrial(state);
  }
  /** Who is asked at decision points. */
  get strategy(): Strategy {
    return this.policy.strategy;
  }

  /** A task or handler threw: record it as the trial's exception and end the trial. */
  fail(e: unknown, where: string): never {
    const usage = isKernelUsageError(e);
    this.m[H.EXC_STR] = this.strings.intern(usage ? usageText(e) : exceptionText(e, where), this.localTrial);
    this.m[H.END_CPU] = this.cpu;
    this.endTrial(usage ? TrialState.USAGE : TrialState.EXCEPTION);
  }

  // ---------------------------------------------------------------- locks (locks.ts)

  acquire(obj: number, flags: number, fn: number, waitMode = 0, deadline = 0): boolean {
    const own = this.policy.ownLocks;
    if (own?.covers(obj)) return own.acquire(obj, flags, fn);
    const got = this.locks.acquire(obj, flags, fn, waitMode, deadline);
    if (got && this.memory) lockAcquired(this.memory, this.cpu, obj);
    return got;
  }
  tryAcquire(obj: number, flags: number, fn: number): boolean {
    const own = this.policy.ownLocks;
    if (own?.covers(obj)) return own.tryAcquire(obj, flags, fn);
    const got = this.locks.tryAcquire(obj, flags, fn);
    if (got && this.memory) lockAcquired(this.memory, this.cpu, obj);
    return got;
  }
  release(obj: number, flags: number, fn: number): void {
    const own = this.policy.ownLocks;
    if (own?.covers(obj)) return own.release(obj, flags, fn);
    if (this.memory) {
      // a release: every store before it is visible first, each in a step of its own
      if (this.memory.buffered(this.cpu) > 0) {
        drainInSteps(this);
        this.point(obj, Access.WRITE);
      }
      lockReleasing(this.memory, this.cpu, obj);
    }
    this.locks.release(obj, flags, fn);
  }
  isLocked(obj: number): boolean {
    return this.locks.isLocked(obj);
  }
  waitUntil(obj: number, flags: number, seq: number): void {
    this.locks.waitUntil(obj, flags, seq);
  }
  heldCount(): number {
    return this.locks.heldCount();
  }
  /** lockdep_is_held(): `obj` is on this context's held-lock stack */
  holds(obj: number): boolean {
    return this.locks.findHeld(obj) >= 0;
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

  // ---------------------------------------------------------------- tasks and interrupts

  /** End the trial because scenario code asked for it (BUG_ON). */
  bug(message: string, seq: number): never {
    this.m[H.EXC_STR] = this.strings.intern(message, this.localTrial);
    this.m[H.END_CPU] = this.cpu;
    this.m[H.END_EVENT] = seq;
    this.endTrial(TrialState.BUG);
  }
}

/** A usage error's one line: the call, the state key, the kind expected, and the scenario line. */
function usageText(e: Error): string {
  const f = userFrame(e.stack);
  return `${e.message}${f ? ` (at ${f.file}:${f.line})` : ''}`;
}

/** An exception's one-line text: name, message, the scenario frame it came from, where it ran. */
function exceptionText(e: unknown, where: string): string {
  const err = e instanceof Error ? e : new Error(String(e));
  const f = userFrame(err.stack);
  return `${err.name}: ${err.message}${f ? ` at ${f.file}:${f.line}` : ''} (in ${where})`;
}
