/** Run options, validated once into a typed, fully defaulted object. */
import { DEFAULT_LIMITS, type Limits } from '../machine/layout.ts';
import { STRATEGY_NAMES, type StrategyName } from '../sched/strategies.ts';

export class UsageError extends Error {}

/** Executions a dpor run explores at most unless told otherwise. */
export const DPOR_DEFAULT_EXECUTIONS = 100_000;

export interface ExploreOptions {
  trials?: number;
  strategy?: StrategyName | string;
  /** PCT depth (default 3) */
  depth?: number;
  /** dpor: CHESS's preemption bound (default: none) */
  preemptionBound?: number;
  /** dpor: search with bounds 0, 1 … preemptionBound in turn */
  iterate?: boolean;
  /** dpor: stop after this many executions (default 100,000); `trials` is its other name */
  maxExecutions?: number;
  /** stop after this long (ms), with the trials made so far */
  timeBudgetMs?: number;
  seed?: number;
  /** a task running this long without a scheduling point is reported and stopped (default 1000) */
  hangMs?: number;
  /** events per trial before it counts as a livelock */
  maxEvents?: number;
  /** false: run without detectors (only for measuring their cost) */
  detectors?: boolean;
  /** render every finding's report by replaying it with call sites (default true) */
  reports?: boolean;
  /** trials done so far, and the kinds of finding made so far */
  onProgress?: (trialsDone: number, kinds: string[]) => void;
}

export interface ResolvedOptions {
  trials: number;
  strategy: StrategyName;
  depth: number;
  preemptionBound?: number;
  iterate: boolean;
  timeBudgetMs?: number;
  seed: number;
  hangMs: number;
  limits: Limits;
  detectors: boolean;
  reports: boolean;
  onProgress?: (trialsDone: number, kinds: string[]) => void;
}

function positiveInt(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer, got ${String(v)}`);
  return n;
}

function atLeast(name: string, v: number | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < min) throw new UsageError(`${name} must be a number ≥ ${min}, got ${String(v)}`);
  return v;
}

export interface StressOptions {
  /** how long to run (default 10) */
  seconds?: number;
  /** seed of the IRQ source, and of the controlled run that tries to reproduce findings */
  seed?: number;
  /** a CPU making no progress this long is locked up (default 2000) */
  lockupMs?: number;
  /** trials of the controlled run (default 1000; 0: do not try) */
  reproduceTrials?: number;
}

export type ResolvedStressOptions = Required<StressOptions>;

export function resolveStressOptions(o: StressOptions = {}): ResolvedStressOptions {
  return {
    seconds: atLeast('seconds', o.seconds, 10, 0.1),
    lockupMs: atLeast('lockupMs', o.lockupMs, 2000, 50),
    reproduceTrials: atLeast('reproduceTrials', o.reproduceTrials, 1000, 0),
    seed: (o.seed ?? 1) | 0,
  };
}

export function resolveOptions(o: ExploreOptions = {}): ResolvedOptions {
  const strategy = o.strategy ?? 'random';
  if (!STRATEGY_NAMES.includes(strategy as StrategyName) || strategy === 'replay' || strategy === 'probe') {
    throw new UsageError(`unknown strategy "${strategy}" (use random, pct, dpor or dfs)`);
  }
  let seed = o.seed ?? 1;
  if (typeof seed === 'string') seed = Number(seed);
  if (!Number.isInteger(seed)) throw new UsageError(`seed must be an integer, got ${String(o.seed)}`);
  const maxEvents = positiveInt('maxEvents', o.maxEvents, DEFAULT_LIMITS.maxEvents);
  const dpor = strategy === 'dpor' || strategy === 'dfs';
  if (!dpor && (o.preemptionBound !== undefined || o.maxExecutions !== undefined || o.iterate)) {
    throw new UsageError('preemption bound and max executions are for --strategy dpor (or dfs)');
  }
  let preemptionBound: number | undefined;
  if (o.preemptionBound !== undefined) {
    preemptionBound = typeof o.preemptionBound === 'string' ? Number(o.preemptionBound) : o.preemptionBound;
    if (!Number.isInteger(preemptionBound) || preemptionBound < 0) throw new UsageError(`preemption bound must be an integer ≥ 0, got ${String(o.preemptionBound)}`);
  }
  if (o.iterate && preemptionBound === undefined) throw new UsageError('iterating the preemption bound needs a bound (--preemption-bound K)');
  const trials = dpor ? positiveInt('maxExecutions', o.maxExecutions ?? o.trials, DPOR_DEFAULT_EXECUTIONS) : positiveInt('trials', o.trials, 1000);
  return {
    trials,
    strategy: strategy as StrategyName,
    depth: positiveInt('depth', o.depth, 3),
    preemptionBound,
    iterate: o.iterate ?? false,
    timeBudgetMs: o.timeBudgetMs === undefined ? undefined : positiveInt('timeBudgetMs', o.timeBudgetMs, 1),
    seed: seed | 0,
    hangMs: positiveInt('hangMs', o.hangMs, 1000),
    limits: { ...DEFAULT_LIMITS, maxEvents, maxChoices: maxEvents },
    detectors: o.detectors ?? true,
    reports: o.reports ?? true,
    onProgress: o.onProgress,
  };
}
