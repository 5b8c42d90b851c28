/**
 * Lockdep's state, shared by the checks: classes with their usage bits, the dependency graph,
 * where each fact was recorded, the held-lock stacks of the current trial, and the event being
 * processed (the kernel's `current` plus its irq state). Also the helpers every report uses:
 * lock lines, the held-lock list, the irq-state stamp, and de-duplicated emission.
 */
import type { EventRef, TrialInfo } from '../detector.ts';
import {
  Ctx,
  EvFlag,
  F_CPU,
  F_CTX,
  F_FLAGS,
  F_PCOUNT,
  F_SEQ,
  F_TID,
  HARDIRQ_MASK,
  SOFTIRQ_MASK,
  SOFTIRQ_OFFSET,
} from '../../machine/events.ts';
import { LockClasses } from './classes.ts';
import { DepGraph } from './dep-graph.ts';
import {
  LOCKDEP,
  type ClassLine,
  type DependencyStep,
  type LockdepData,
  type LockdepFinding,
  type LockdepKind,
  type LockLine,
  type UsageTrace,
} from './finding-data.ts';
import { Contexts } from '../held-locks.ts';
import { Provenance } from './provenance.ts';
import { USAGE_STATES, USAGE_STR } from './usage-bits.ts';

export interface LockdepReport {
  kind: LockdepKind;
  signature: string;
  title: string;
  locks: string[];
  refs: EventRef[];
  /** trials whose recorded facts the report relies on (the held locks' are added here) */
  trials: Set<number>;
  /** CPUs besides the current one */
  otherCpus?: number[];
  data: LockdepData;
}

export class LockdepCore {
  readonly classes = new LockClasses();
  readonly graph = new DepGraph();
  readonly prov = new Provenance();
  readonly contexts = new Contexts();
  private readonly reported = new Set<string>();
  private sink: (f: LockdepFinding) => void = () => {};

  // The event being processed.
  seq = 0;
  cpu = 0;
  ctx = 0;
  pid = 0;
  pcount = 0;
  flags = 0;
  /** lockdep_hardirqs_enabled() as the checks see it (off while local_irq_enable marks locks) */
  hardirqsEnabled = 1;

  beginTrial(trial: TrialInfo, report: (f: LockdepFinding) => void): void {
    this.sink = report;
    this.prov.begin(trial);
    this.classes.bind(trial.layout);
    this.graph.ensure(this.classes.count);
    this.contexts.reset(trial.layout.ncpus);
  }

  /**
   * Class of an acquisition of `obj` (-1 when lockdep ignores the object). A subclass seen for
   * the first time is a new class: the graph makes room for it.
   */
  classOf(obj: number, subclass: number): number {
    const c = this.classes.classOf(obj, subclass);
    if (c >= this.graph.size) this.graph.ensure(this.classes.count);
    return c;
  }

  /** Make the event at word offset `o` the current one. */
  load(w: Int32Array, o: number): void {
    this.seq = w[o + F_SEQ]!;
    this.cpu = w[o + F_CPU]!;
    this.ctx = w[o + F_CTX]!;
    this.pid = w[o + F_TID]!;
    this.pcount = w[o + F_PCOUNT]!;
    this.flags = w[o + F_FLAGS]!;
    this.hardirqsEnabled = this.flags & EvFlag.IRQS_DISABLED ? 0 : 1;
  }

  get inHardirq(): boolean {
    return this.ctx === Ctx.HARDIRQ;
  }

  /** The task's softirq_context: a softirq handler, or a hardirq nested in one. */
  get inSoftirq(): boolean {
    return this.ctx === Ctx.SOFTIRQ || (this.pcount & SOFTIRQ_OFFSET) !== 0;
  }

  get softirqsEnabled(): boolean {
    return (this.pcount & SOFTIRQ_MASK) === 0;
  }

  ref(seq: number): EventRef {
    return { trial: this.prov.trialIndex, seq };
  }

  name(cls: number): string {
    return this.classes.names[cls]!;
  }

  classLine(cls: number): ClassLine {
    return { name: this.name(cls), usage: this.classes.usageString(cls) };
  }

  /** A lock of the current trial, acquired at event `seq`. */
  lockLine(cls: number, seq: number): LockLine {
    return { name: this.name(cls), usage: this.classes.usageString(cls), at: this.ref(seq) };
  }

  /** The usage bits of a class with where each was set (print_lock_class_header). */
  usageTraces(cls: number): UsageTrace[] {
    const mask = this.classes.usage[cls]!;
    const out: UsageTrace[] = [];
    for (let bit = 0; bit < USAGE_STATES; bit++) {
      if (mask & (1 << bit)) out.push({ usage: USAGE_STR[bit]!, at: this.prov.usageRef(cls, bit) });
    }
    return out;
  }

  step(cls: number, depth: number, acquiredAt: EventRef | null): DependencyStep {
    return { depth, cls: this.classLine(cls), usages: this.usageTraces(cls), acquiredAt };
  }

  /** Add the trials that set the (printed) usage bits of each class. */
  addClassTrials(trials: Set<number>, classes: Iterable<number>): void {
    for (const c of classes) this.prov.addUsageTrials(trials, c, this.classes.usage[c]!);
  }

  /** Everything the current task holds, outermost first (lockdep_print_held_locks). */
  heldLines(): LockLine[] {
    const out: LockLine[] = [];
    for (const s of this.contexts.chain(this.cpu, this.pid)) {
      for (let i = 0; i < s.n; i++) out.push(this.lockLine(s.cls[i]!, s.seq[i]!));
    }
    return out;
  }

  private heldClasses(): number[] {
    const out: number[] = [];
    for (const s of this.contexts.chain(this.cpu, this.pid)) for (let i = 0; i < s.n; i++) out.push(s.cls[i]!);
    return out;
  }

  /** `[HC0[0]:SC0[0]:HE1:SE1]`: hardirq/softirq context and counts, irqs/softirqs enabled. */
  irqState(): string {
    const hc = this.inHardirq ? 1 : 0;
    const sc = this.inSoftirq ? 1 : 0;
    const hcount = (this.pcount & HARDIRQ_MASK) >> 16;
    const scount = (this.pcount & SOFTIRQ_MASK) >> 8;
    const se = this.softirqsEnabled ? 1 : 0;
    return `[HC${hc}[${hcount}]:SC${sc}[${scount}]:HE${this.hardirqsEnabled}:SE${se}]`;
  }

  /** false when this bug was already reported by this detector instance. */
  wants(signature: string): boolean {
    return !this.reported.has(signature);
  }

  emit(r: LockdepReport): void {
    if (this.reported.has(r.signature)) return;
    this.reported.add(r.signature);
    this.addClassTrials(r.trials, this.heldClasses());
    const cpus = [...new Set([this.cpu, ...(r.otherCpus ?? [])])].sort((a, b) => a - b);
    this.sink({
      kind: r.kind,
      signature: r.signature,
      title: r.title,
      cpus,
      locks: r.locks,
      refs: uniqueRefs(r.refs),
      priorSegments: this.prov.priorSegments(r.trials),
      detector: LOCKDEP,
      data: r.data,
    });
  }
}

function uniqueRefs(refs: EventRef[]): EventRef[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = `${r.trial}:${r.seq}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
