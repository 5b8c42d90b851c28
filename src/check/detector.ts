/**
 * The detector contract. A detector reads each trial's event stream once the trial is over and
 * reports findings; it may keep state across trials (lockdep keeps its dependency graph across
 * a whole run, as the kernel keeps it across uptime). Detectors never import the kernel API:
 * what they know of a run comes from events, the layout, and how the trial ended.
 */
import type { FindingKind } from './finding-kinds.ts';
import type { TrialInfo } from '../machine/trial-info.ts';

export type { CpuSnapshot, TrialInfo } from '../machine/trial-info.ts';

/** An event of some trial of the current run (or replay): where a site is looked up. */
export interface EventRef {
  trial: number;
  seq: number;
}

/**
 * A finding as a detector makes it. `D` is the data its renderer draws and `K` the kinds it may
 * report; both default to "any" for code that only passes findings along.
 */
export interface RawFinding<D = unknown, K extends FindingKind = FindingKind> {
  kind: K;
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
  /** The name of the detector that made it, and the data its renderer draws. */
  detector: string;
  data: D;
}

export interface Detector<D = unknown, K extends FindingKind = FindingKind> {
  readonly name: string;
  onTrial(trial: TrialInfo, report: (f: RawFinding<D, K>) => void): void;
  /**
   * The schedule segments of the trials whose facts it carries into later trials (lockdep's
   * graph), oldest first: replayed in order they rebuild what it knew, so that runs made apart
   * (shards) can be judged as one.
   */
  history?(): string[];
}

/** The finding kinds a detector reports, checked against the fixed vocabulary. */
export function findingKinds<const K extends readonly FindingKind[]>(kinds: K): K {
  return kinds;
}
