/**
 * Where each fact of the graph was first recorded: the event (trial, seq) that set a usage bit
 * or created a dependency (the kernel's usage_traces and lock_list.trace), and the schedule
 * segment of that trial, so that a finding can name the earlier trials a replay must run
 * first. Segments are built only for trials that record something new.
 */
import type { EventRef, TrialInfo } from '../detector.ts';
import { USAGE_STATES } from './usage-bits.ts';

const DEP_KINDS = 4;

export class Provenance {
  private trial: TrialInfo | undefined;
  private readonly segments = new Map<number, string>();

  private usageTrial = new Int32Array(16 * USAGE_STATES).fill(-1);
  private usageSeq = new Int32Array(16 * USAGE_STATES);

  private readonly edgeTrial: number[] = [];
  private readonly edgeSeq: number[] = [];
  private readonly edgeCpu: number[] = [];
  /** per edge × dependency kind: trial that first recorded that kind, -1 when none */
  private readonly edgeKindTrial: number[] = [];

  begin(trial: TrialInfo): void {
    this.trial = trial;
  }

  get trialIndex(): number {
    return this.trial!.index;
  }

  /** The current trial recorded something: keep its segment for replays that need it. */
  private touch(): number {
    const t = this.trial!;
    if (!this.segments.has(t.index)) this.segments.set(t.index, t.segment());
    return t.index;
  }

  recordUsage(cls: number, bit: number, seq: number): void {
    const slot = cls * USAGE_STATES + bit;
    if (slot >= this.usageTrial.length) {
      let n = this.usageTrial.length;
      while (n <= slot) n *= 2;
      const trial = new Int32Array(n).fill(-1);
      trial.set(this.usageTrial);
      const seqs = new Int32Array(n);
      seqs.set(this.usageSeq);
      this.usageTrial = trial;
      this.usageSeq = seqs;
    }
    this.usageTrial[slot] = this.touch();
    this.usageSeq[slot] = seq;
  }

  usageRef(cls: number, bit: number): EventRef {
    const slot = cls * USAGE_STATES + bit;
    return { trial: this.usageTrial[slot]!, seq: this.usageSeq[slot]! };
  }

  /** A dependency kind `kind` (0-3) was added to edge `e`; `seq` is the acquisition. */
  recordEdge(e: number, kind: number, seq: number, cpu: number): void {
    const trial = this.touch();
    if (e === this.edgeTrial.length) {
      this.edgeTrial.push(trial);
      this.edgeSeq.push(seq);
      this.edgeCpu.push(cpu);
      for (let k = 0; k < DEP_KINDS; k++) this.edgeKindTrial.push(-1);
    }
    this.edgeKindTrial[e * DEP_KINDS + kind] = trial;
  }

  /** Where the dependency was first seen: the acquisition of its second lock. */
  edgeRef(e: number): EventRef {
    return { trial: this.edgeTrial[e]!, seq: this.edgeSeq[e]! };
  }

  edgeCpuOf(e: number): number {
    return this.edgeCpu[e]!;
  }

  /** Add the trials that recorded the set usage bits of `cls`. */
  addUsageTrials(into: Set<number>, cls: number, mask: number): void {
    for (let bit = 0; bit < USAGE_STATES; bit++) {
      if (mask & (1 << bit)) into.add(this.usageTrial[cls * USAGE_STATES + bit]!);
    }
  }

  /** Add the trials that recorded edge `e` (every kind of it: the strong-path walk used them). */
  addEdgeTrials(into: Set<number>, e: number): void {
    for (let k = 0; k < DEP_KINDS; k++) {
      const t = this.edgeKindTrial[e * DEP_KINDS + k]!;
      if (t >= 0) into.add(t);
    }
  }

  /** Segments of every trial that recorded a fact, oldest first: the graph's whole history. */
  recordedSegments(): string[] {
    return [...this.segments.entries()].sort(([a], [b]) => a - b).map(([, s]) => s);
  }

  /** Segments of the given trials other than the current one, oldest first. */
  priorSegments(trials: Set<number>): string[] {
    const current = this.trial!.index;
    return [...trials]
      .filter((t) => t >= 0 && t !== current)
      .sort((a, b) => a - b)
      .map((t) => this.segments.get(t)!)
      .filter((s) => s !== undefined);
  }
}
