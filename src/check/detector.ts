/**
 * The detector contract. A detector reads each trial's event stream once the trial is over and
 * reports findings; it may keep state across trials (lockdep keeps its dependency graph across
 * a whole run, as the kernel keeps it across uptime). Detectors never import the kernel API:
 * what they know of a run comes from events, the layout, and how the trial ended.
 */
import type { EventLog } from '../machine/events.ts';
import type { Layout } from '../machine/layout.ts';
import type { FindingKind } from './finding-kinds.ts';

/** An event of some trial of the current run (or replay): where a site is looked up. */
export interface EventRef {
  trial: number;
  seq: number;
}

/** What a CPU context was doing when the machine stopped (deadlock snapshots). */
export interface ContextSnapshot {
  kind: number; // Ctx.*
  pid: number;
  /** irq line index for hardirq contexts */
  nr: number;
  /** object waited for, -1 when running */
  waitObj: number;
  waitFlags: number;
  /** seq of the LOCK_CONTENDED / BLOCK event of that wait */
  waitSeq: number;
}

export interface HeldSnapshot {
  obj: number;
  flags: number;
  seq: number;
  /** index into the CPU's context stack of the context that took it */
  ctx: number;
}

export interface CpuSnapshot {
  cpu: number;
  status: number; // CpuStatus.*
  irqsOff: boolean;
  pcount: number;
  contexts: ContextSnapshot[];
  held: HeldSnapshot[];
}

/** How a trial ended, read from the machine before it is reset. */
export interface TrialEnd {
  state: number; // TrialState.*
  cpu: number;
  /** exception or BUG message, when there is one */
  message: string;
  /** seq of the event that ended the trial, -1 when none */
  seq: number;
  /** per-CPU state at the end: who holds what, who waits for what */
  cpus: CpuSnapshot[];
  /** the scenario's check(): undefined when it passed or did not run */
  checkFailure?: string;
}

export interface TrialInfo {
  /** trial number within this run or replay (EventRef.trial) */
  index: number;
  layout: Layout;
  events: EventLog;
  end: TrialEnd;
  /** this trial's schedule as a token segment (computed on demand) */
  segment(): string;
  /** a string recorded in the trial (WARN sites …) by id */
  text(id: number): string;
}

export interface RawFinding {
  kind: FindingKind;
  /** Stable across trials and replays: equal signatures are one finding. */
  signature: string;
  /** First line of the report, e.g. "WARNING: possible circular locking dependency detected". */
  title: string;
  cpus: number[];
  locks: string[];
  /** Events whose call sites the finding shows, the most telling first. */
  refs: EventRef[];
  /**
   * Earlier trials the finding depends on (lockdep's graph), as token segments oldest first.
   * A replay runs them, then the trial that made the finding.
   */
  priorSegments?: string[];
  /** Which renderer in src/report/ draws it, and the data it draws. */
  detector: string;
  data: unknown;
}

export interface Detector {
  readonly name: string;
  onTrial(trial: TrialInfo, report: (f: RawFinding) => void): void;
}
