/**
 * The worker wire protocol: what the main thread sends each agent's worker for one batch (one
 * piscina task per agent), the findings the closer posts back as it makes them, and the
 * closer's result. The machine runs these tasks without knowing their shape (machine.ts).
 */
import type { Limits } from '../machine/layout.ts';
import type { AgentSlot } from '../machine/machine.ts';
import type { BatchPlan, BatchSummary } from '../machine/trial-loop.ts';
import type { StrategySpec } from '../sched/strategies.ts';
import type { RawFinding } from '../check/detector.ts';
import type { StressPlan } from '../machine/stress-control.ts';

export interface BatchTask extends AgentSlot {
  scenarioPath: string;
  /** the module a worker imports (a bundle made by the main thread, or the source via tsx) */
  scenarioUrl: string;
  scenarioViaTsx: boolean;
  /** the path as the user wrote it, for reports and replay commands */
  displayPath: string;
  limits: Limits;
  strategy: StrategySpec;
  /** token header fields, so findings carry their own replay token */
  tokenHead: { strategy: string; seed: number; cpus: number; memory?: string };
  plan: BatchPlan;
  /** record call sites (replays of findings) */
  capture: boolean;
  /** run the detectors (off only for measuring their cost) */
  detectors: boolean;
  /** keep each trial's events and sites in the result (replays) */
  keepEvents: boolean;
}

/** A stress batch's task: the same, with the parallel run's plan. */
export type StressTask = BatchTask & { stress: StressPlan };

/** A finding as the closer sends it: the detector's data plus where to replay it from. */
export interface FindingMessage {
  type: 'finding';
  finding: RawFinding;
  replay: string;
  /** run-level trial number where it was first seen */
  trial: number;
  /** rendered report (capture runs) */
  report?: string;
  sites?: string[];
}

/** A kernel call used wrongly (machine/usage-error.ts): the run stops with this one line, exit 2. */
export interface UsageMessage {
  type: 'usage';
  message: string;
}

/** What the closer posts while a batch runs. */
export type CloserPost = FindingMessage | UsageMessage;

/** The first usage error among posts, if any. */
export function usageError(posts: readonly CloserPost[]): string | undefined {
  return posts.find((p): p is UsageMessage => p.type === 'usage')?.message;
}

export interface KeptTrial {
  trial: number;
  /** the trial's schedule as it ran (a token segment) */
  segment: string;
  words: Int32Array;
  length: number;
  strings: string[];
  endState: number;
  message: string;
}

export interface CloserResult extends BatchSummary {
  counts: Record<string, number>;
  kept: KeptTrial[];
  /** the segments of the trials that taught the detectors something (lockdep's graph), oldest first */
  history: string[];
}
