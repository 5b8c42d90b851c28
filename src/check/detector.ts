/**
 * The detector contract. A detector reads each trial's event stream once the trial is over and
 * reports findings; it may keep state across trials (lockdep keeps its dependency graph across
 * a whole run, as the kernel keeps it across uptime). Detectors never import the kernel API:
 * what they know of a run comes from events, the layout, and how the trial ended.
 */
import type { FindingKind } from './finding-kinds.ts';
import type { TrialInfo } from '../machine/trial-info.ts';

export type { ContextSnapshot, HeldSnapshot, CpuSnapshot, TrialEnd, TrialInfo } from '../machine/trial-info.ts';

/** An event of some trial of the current run (or replay): where a site is looked up. */
export interface EventRef {
  trial: number;
  seq: number;
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
