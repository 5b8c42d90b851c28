/**
 * Who runs next. At every scheduling point the agent holding the baton lists its options (in
 * the order sched/strategy.ts encodes: itself first, the other enabled agents, the end, early
 * wake-ups, interrupts, timer ticks, softirq runs, migrations), asks the strategy when there are
 * two or more, and records the choice in the trial's schedule. An agent waiting for a lock it
 * cannot take is not enabled, so a deadlock is exact: some task unfinished and no option left.
 *
 * Preemption and migration: agents sharing a CPU already take turns wherever each could be
 * preempted (enabled()). An unpinned task can also be preempted where it is preemptible and
 * moved to another CPU of its affinity: the option changes its C.CPU word (what
 * smp_processor_id() and its events say from then on), and the decision is made again. Only a
 * machine with unpinned tasks lists these options, so a pinned machine's schedules are what
 * they always were.
 */
import { HARDIRQ_MASK, Op, SOFTIRQ_MASK, kfn } from './events.ts';
import { C, CX, H, LN, TrialState, type Layout, type ObjectInfo } from './layout.ts';
import { timerArmedOn, timerObjects } from './timers.ts';
import { lineMasked } from './irq-lines.ts';
import { lockWords, objectKind } from './object-kinds.ts';
import { WAIT_TIMEOUT, WAIT_WAKEABLE, WAIT_WOKEN } from './wait.ts';
import type { CpuRuntime } from './runtime.ts';
import { fillFootprints, publishFootprint } from './footprints.ts';
import type { WeakMemory } from './weak-memory.ts';
import { Access } from '../sched/footprint.ts';
import {
  END_OPTION,
  SOFTIRQ_LINE,
  flushOption,
  flushSeq,
  isFlushOption,
  optionCpu,
  valueOption,
  TIMER_LINE,
  irqOption,
  isMigrateOption,
  isWakeOption,
  migrateAgent,
  migrateCpu,
  migrateOption,
  wakeOption,
  wakeOptionAgent,
  type Decision,
  type Strategy,
} from '../sched/strategy.ts';

const FN_VISIBLE = kfn('store_visible');

export class Decisions {
  private readonly m: Int32Array;
  private readonly L: Layout;
  private readonly agent: number;
  private readonly opts: Int32Array;
  private readonly timers: ObjectInfo[];
  private readonly decision: { -readonly [K in keyof Decision]: Decision[K] };
  /** the strategy wants every decision, with footprints (a partial-order strategy) */
  private readonly footprints: boolean;
  /** unpinned tasks' agents: the ones a migration option can name */
  private readonly migrants: number[];

  constructor(
    private readonly rt: CpuRuntime,
    private readonly strategy: Strategy,
  ) {
    this.m = rt.m;
    this.L = rt.L;
    this.agent = rt.agent;
    this.timers = timerObjects(rt.L);
    const shape = rt.L.strategyShape;
    // agents, early wake-ups, timer ticks, softirq runs, end, buffered stores, a read's values
    let maxOpts = 2 * rt.L.nagents + 2 * rt.L.ncpus + 1 + (shape.flushes ?? 0) + (shape.values ?? 0);
    for (const line of rt.L.lines) maxOpts += line.cpus.length;
    this.migrants = rt.L.agents.filter((a) => a.migrations > 0).map((a) => a.index);
    for (const a of this.migrants) maxOpts += rt.L.agents[a]!.allowed.length - 1;
    this.opts = new Int32Array(maxOpts);
    const fp = (): Int32Array => new Int32Array(maxOpts);
    this.decision = {
      current: rt.agent,
      options: this.opts,
      n: 0,
      step: 0,
      events: 0,
      objs: fp(),
      access: fp(),
      cpus: fp(),
    };
    this.footprints = strategy.footprints === true;
    this.memory = rt.memory;
  }

  /** the store buffers of a weak memory model, or undefined under 'sc' */
  private readonly memory: WeakMemory | undefined;

  /**
   * List the options, ask the strategy, record the choice; returns the option taken. A
   * buffered store chosen to drain drains here, and the decision is made again.
   */
  decide(): number {
    for (;;) {
      const o = this.decideOnce();
      if (!isFlushOption(o)) return o;
      const c = optionCpu(o);
      const mem = this.memory!;
      const i = mem.entryOf(c, flushSeq(o));
      // the event says when the store became visible, in the column of the CPU it left
      this.rt.emit(Op.STORE_VISIBLE, mem.entryLoc(c, i), mem.entryValue(c, i), c, FN_VISIBLE);
      mem.drain(c, i);
    }
  }

  private decideOnce(): number {
    const m = this.m;
    const opts = this.opts;
    const L = this.L;
    let n = 0;
    const step = (m[H.DECISIONS] = m[H.DECISIONS]! + 1);
    if (this.enabled(this.agent)) opts[n++] = this.agent;
    for (let a = 0; a < L.nagents; a++) if (a !== this.agent && this.enabled(a)) opts[n++] = a;
    // the end: every task done, no handler still running anywhere, no softirq left to run
    const stuck = n === 0 && m[H.LIVE] === 0 && this.anyContextStuck();
    if (n === 0 && m[H.LIVE] === 0 && m[H.SOFTIRQ_CPUS] === 0 && !stuck && !this.memory?.anyBuffered())
      opts[n++] = END_OPTION;
    if (m[H.WAKEABLE] !== 0) n = this.listWakeups(n);
    for (let l = 0; l < L.lines.length; l++) {
      const lb = L.line(l);
      if (m[lb + LN.FIRES_LEFT]! <= 0 || m[lb + LN.ACTIVE] !== 0 || lineMasked(m, lb)) continue;
      for (const c of L.lines[l]!.cpus) if (this.irqsOnCpu(c)) opts[n++] = irqOption(l, c);
    }
    if (this.timers.length > 0) n = this.listTimerTicks(n);
    if (m[H.SOFTIRQ_CPUS] !== 0) n = this.listSoftirqRuns(n);
    // only when something else could happen: a migration alone never keeps a trial going
    if (this.migrants.length > 0 && n > 0) n = this.listMigrations(n);
    // buffered stores draining come after every other option
    if (this.memory) n = this.listFlushes(n);
    if (n === 0) this.rt.endTrial(m[H.LIVE]! > 0 || stuck ? TrialState.DEADLOCK : TrialState.DONE);
    const o = opts[n > 1 ? this.pick(n, step) : n === 1 && this.footprints ? this.observe(step) : 0]!;
    if (o === END_OPTION) this.rt.endTrial(TrialState.DONE);
    if (isWakeOption(o)) return this.wakeEarly(wakeOptionAgent(o));
    if (isMigrateOption(o)) {
      this.migrate(migrateAgent(o), migrateCpu(o));
      return this.decide();
    }
    return o;
  }

  /**
   * Unpinned tasks that could be preempted here, each to every other CPU of its affinity: it
   * is runnable (waiting on its CPU's runqueue counts: another CPU may pull it), in task context with preempt_count() 0 (no lock with preemption
   * off, no softirq, no bh-disabled section) and irqs on, with migrations left.
   */
  private listMigrations(n: number): number {
    const m = this.m;
    for (const a of this.migrants) {
      const b = this.L.agentBlock(a);
      if (m[b + C.MIGRATIONS]! <= 0 || m[b + C.NCTX] !== 1 || m[b + C.PCOUNT] !== 0 || m[b + C.IRQS_OFF] !== 0)
        continue;
      if (!this.canGoOn(a)) continue;
      const here = m[b + C.CPU]!;
      for (const c of this.L.agents[a]!.allowed) if (c !== here) this.opts[n++] = migrateOption(a, c);
    }
    return n;
  }

  /**
   * Move agent a to CPU c. The CPU it leaves takes its interrupts on its primary agent from now
   * on; what a published as its next step may have named its old CPU's per-CPU data, so it is
   * dependent with everything until its next scheduling point says again.
   */
  private migrate(a: number, c: number): void {
    const m = this.m;
    const b = this.L.agentBlock(a);
    const from = m[b + C.CPU]!;
    m[b + C.CPU] = c;
    m[b + C.MIGRATIONS] = m[b + C.MIGRATIONS]! - 1;
    if (m[this.L.cpuCurrent(from)] === a) m[this.L.cpuCurrent(from)] = from;
    publishFootprint(m, b, -1, Access.ANY);
  }

  /** Ask the strategy among the first n options and record the choice in the trial's schedule. */
  private pick(n: number, step: number): number {
    const m = this.m;
    const d = this.decision;
    d.current = this.agent;
    d.n = n;
    d.step = step;
    d.events = m[H.NEV]!;
    if (this.footprints) fillFootprints(this.rt, d);
    const idx = this.strategy.choose(d);
    const k = m[H.NCHOICE]!;
    if (k < this.L.limits.maxChoices) {
      m[this.L.choiceBase + k] = idx;
      m[H.NCHOICE] = k + 1;
    }
    return idx;
  }

  /** A decision with one option, shown to a partial-order strategy (nothing to record). */
  private observe(step: number): number {
    const d = this.decision;
    d.current = this.agent;
    d.n = 1;
    d.step = step;
    d.events = this.m[H.NEV]!;
    fillFootprints(this.rt, d);
    this.strategy.choose(d);
    return 0;
  }

  /**
   * A fault the scenario opted into (an allocation failing …): a two-way choice in the same
   * stream as every other, index 0 being "no fault". True when the fault happens.
   */
  chooseFault(): boolean {
    const m = this.m;
    const step = (m[H.DECISIONS] = m[H.DECISIONS]! + 1);
    this.opts[0] = this.agent;
    this.opts[1] = wakeOption(this.agent);
    return this.pick(2, step) === 1;
  }

  /**
   * A read with `n` stores it may return (a weak memory model): a data choice in the same
   * stream, index 0 being the newest. Returns how many places older than the newest it reads.
   */
  chooseValue(n: number): number {
    const step = (this.m[H.DECISIONS] = this.m[H.DECISIONS]! + 1);
    for (let i = 0; i < n; i++) this.opts[i] = valueOption(i);
    return this.pick(n, step);
  }

  /** Buffered stores that may drain now, every CPU's. */
  private listFlushes(n: number): number {
    const mem = this.memory!;
    for (let c = 0; c < this.L.ncpus; c++) {
      const k = mem.buffered(c);
      for (let i = 0; i < k; i++) if (mem.drainable(c, i)) this.opts[n++] = flushOption(mem.entrySeq(c, i), c);
    }
    return n;
  }

  /** Waits a timeout or a signal may end, of contexts that cannot go on by themselves. */
  private listWakeups(n: number): number {
    const m = this.m;
    for (let c = 0; c < this.L.nagents; c++) {
      const d = m[this.L.agentBlock(c) + C.NCTX]!;
      if (d === 0) continue;
      const e = this.L.ctxEntry(c, d - 1);
      const wf = m[e + CX.WAIT_FLAGS]!;
      if (m[e + CX.WAIT_OBJ]! < 0 || (wf & WAIT_WAKEABLE) === 0 || (wf & WAIT_WOKEN) !== 0 || this.enabled(c)) continue;
      this.opts[n++] = wakeOption(c);
    }
    return n;
  }

  /** CPUs whose timer tick can come: a timer armed there, irqs on. */
  private listTimerTicks(n: number): number {
    for (let c = 0; c < this.L.ncpus; c++) {
      if (timerArmedOn(this.m, this.timers, c) && this.irqsOnCpu(c)) this.opts[n++] = irqOption(TIMER_LINE, c);
    }
    return n;
  }

  /** CPUs where pending softirqs may run now: irqs on, not in hardirq or softirq context. */
  private listSoftirqRuns(n: number): number {
    const m = this.m;
    for (let c = 0; c < this.L.ncpus; c++) {
      // pending bits live in the CPU's primary block; the state that matters is the running agent's
      const b = this.L.agentBlock(m[this.L.cpuCurrent(c)]!);
      if (
        m[this.L.agentBlock(c) + C.SOFTIRQ_PENDING] === 0 ||
        !this.irqsOnCpu(c) ||
        (m[b + C.PCOUNT]! & (HARDIRQ_MASK | SOFTIRQ_MASK)) !== 0
      )
        continue;
      this.opts[n++] = irqOption(SOFTIRQ_LINE, c);
    }
    return n;
  }

  /** End CPU c's wait early (its timeout expired, or a signal came); returns c. */
  private wakeEarly(c: number): number {
    const m = this.m;
    const e = this.L.ctxEntry(c, m[this.L.agentBlock(c) + C.NCTX]! - 1);
    const wf = m[e + CX.WAIT_FLAGS]!;
    m[e + CX.WAIT_FLAGS] = wf | WAIT_WOKEN;
    if (wf & WAIT_TIMEOUT && m[e + CX.DEADLINE]! > m[H.JIFFIES]!) m[H.JIFFIES] = m[e + CX.DEADLINE]!;
    return c;
  }

  /**
   * With every task done and nothing runnable: does some context still wait (a handler that
   * waits for itself on a CPU whose task has returned)? A kernel thread idle in its loop does not.
   */
  private anyContextStuck(): boolean {
    const m = this.m;
    for (let c = 0; c < this.L.nagents; c++) {
      const d = m[this.L.agentBlock(c) + C.NCTX]!;
      if (d === 0) continue;
      const w = m[this.L.ctxEntry(c, d - 1) + CX.WAIT_OBJ]!;
      if (d === 1 && w >= 0 && objectKind(this.L.objects[w]!.kind).idle === true) continue;
      return true;
    }
    return false;
  }

  /** Can agent c's innermost context go on, and may its CPU switch to it? */
  private enabled(c: number): boolean {
    if (!this.canGoOn(c)) return false;
    const m = this.m;
    const cpu = m[this.L.agentBlock(c) + C.CPU]!;
    const mates = this.L.cpuAgents[cpu]!;
    return mates.length === 1 || this.othersPreemptible(c, cpu, mates);
  }

  /**
   * Agent c's innermost context is runnable: it waits for nothing, or what it waits for can be
   * taken now (whether its CPU may switch to it is enabled()'s business).
   */
  private canGoOn(c: number): boolean {
    const m = this.m;
    const d = m[this.L.agentBlock(c) + C.NCTX]!;
    if (d === 0) return false;
    const e = this.L.ctxEntry(c, d - 1);
    const w = m[e + CX.WAIT_OBJ]!;
    if (w >= 0 && (m[e + CX.WAIT_FLAGS]! & WAIT_WOKEN) === 0) {
      const info = this.L.objects[w]!;
      if (!lockWords(info.kind).canTake(m, info.offset, m[e + CX.WAIT_FLAGS]!)) return false;
    }
    return true;
  }

  /**
   * Agents sharing one CPU take turns only where a context switch could happen: every other
   * agent on the CPU now has nothing to run, or could be preempted (no preempt_count, irqs on).
   */
  private othersPreemptible(c: number, cpu: number, mates: number[]): boolean {
    const m = this.m;
    for (const b of mates) {
      if (b === c) continue;
      const base = this.L.agentBlock(b);
      if (m[base + C.CPU] !== cpu) continue;
      if (m[base + C.NCTX] !== 0 && (m[base + C.PCOUNT] !== 0 || m[base + C.IRQS_OFF] !== 0)) return false;
    }
    return true;
  }

  /** Interrupts can be delivered to CPU c: none of the agents on it has them disabled. */
  private irqsOnCpu(c: number): boolean {
    const m = this.m;
    const mates = this.L.cpuAgents[c]!;
    if (mates.length === 1) return m[this.L.agentBlock(c) + C.IRQS_OFF] === 0;
    for (const b of mates) {
      const base = this.L.agentBlock(b);
      if (m[base + C.CPU] === c && m[base + C.IRQS_OFF] !== 0) return false;
    }
    return true;
  }
}
