/** Run options, validated once into a typed, fully defaulted object. */
import { DEFAULT_LIMITS, type Limits } from '../machine/layout.ts';
import { STRATEGY_NAMES, type StrategyName } from '../sched/strategies.ts';
import { MEMORY_MODELS, type MemoryModelName } from '../machine/memory-region.ts';
import { DEFAULTS, SEED_MAX, SEED_MIN } from './defaults.ts';

export class UsageError extends Error {}

/** Strategies a run may choose (replay is what a token asks for). */
/** Strategies a run may ask for: replay and probe are driven by tokens and by a person stepping. */
export const RUN_STRATEGIES: readonly StrategyName[] = STRATEGY_NAMES.filter((s) => s !== 'replay' && s !== 'probe');

export interface ExploreOptions {
  trials?: number;
  strategy?: StrategyName | string;
  /** PCT depth (DEFAULTS.depth) */
  depth?: number;
  /** dpor: CHESS's preemption bound (default: none) */
  preemptionBound?: number;
  /** dpor: search with bounds 0, 1 … preemptionBound in turn */
  iterate?: boolean;
  /** dpor: stop after this many executions (DEFAULTS.maxExecutions); `trials` is its other name */
  maxExecutions?: number;
  seed?: number;
  /** a task running this long without a scheduling point is reported and stopped (DEFAULTS.hangMs) */
  hangMs?: number;
  /** events one trial may make; past it the trial is cut short, a trial-too-long warning (DEFAULTS.maxEvents) */
  maxEvents?: number;
  /** false: run without detectors (only for measuring their cost) */
  detectors?: boolean;
  /** render every finding's report by replaying it with call sites (default true) */
  reports?: boolean;
  /** trials done so far, and the kinds of finding made so far */
  onProgress?: (trialsDone: number, kinds: string[]) => void;
  /** run trial numbers first … first+trials-1 (a shard, or a resumed campaign; default 0) */
  firstTrial?: number;
  /** stop after the trial running when this many milliseconds have passed */
  timeBudgetMs?: number;
  /** each new finding as soon as it is made (before its report is rendered) */
  onNewFinding?: (f: import('./result.ts').Finding) => void;
  /** stops the run where it is: the result holds the findings so far and `interrupted: true` */
  signal?: AbortSignal;
  /** machines running disjoint blocks of the trials at once (default: as many as have a core per thread; see jobs.ts) */
  jobs?: number;
  /** the memory model, over the scenario's own `memory` field: 'sc', 'tso' or 'weak' */
  memory?: MemoryModelName | string;
}

export interface ResolvedOptions {
  trials: number;
  strategy: StrategyName;
  depth: number;
  preemptionBound?: number;
  iterate: boolean;
  seed: number;
  hangMs: number;
  limits: Limits;
  detectors: boolean;
  reports: boolean;
  onProgress?: (trialsDone: number, kinds: string[]) => void;
  firstTrial: number;
  timeBudgetMs: number;
  onNewFinding?: (f: import('./result.ts').Finding) => void;
  signal?: AbortSignal;
  /** undefined: the default for the run's trials (jobs.ts) */
  jobs?: number;
}

function positiveInt(name: string, v: unknown, dflt: number): number {
  if (v === undefined) return dflt;
  const n = typeof v === 'string' ? Number(v) : v;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1)
    throw new UsageError(`${name} must be a positive integer, got ${String(v)}`);
  return n;
}

function atLeast(name: string, v: number | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < min) throw new UsageError(`${name} must be a number ≥ ${min}, got ${String(v)}`);
  return v;
}

export interface StressOptions {
  /** how long to run, in seconds (DEFAULTS.seconds) */
  seconds?: number;
  /** seed of the IRQ source, and of the controlled run that tries to reproduce findings */
  seed?: number;
  /** a CPU making no progress this long is locked up (DEFAULTS.lockupMs) */
  lockupMs?: number;
  /** trials of the controlled run (DEFAULTS.reproduceTrials; 0: do not try) */
  reproduceTrials?: number;
  /** stops the run where it is: the result holds the findings so far and `interrupted: true` */
  signal?: AbortSignal;
}

export type ResolvedStressOptions = Required<Omit<StressOptions, 'signal'>> & { signal?: AbortSignal };

export function resolveStressOptions(o: StressOptions = {}): ResolvedStressOptions {
  return {
    seconds: atLeast('seconds', o.seconds, DEFAULTS.seconds, 0.1),
    lockupMs: atLeast('lockupMs', o.lockupMs, DEFAULTS.lockupMs, 50),
    reproduceTrials: atLeast('reproduceTrials', o.reproduceTrials, DEFAULTS.reproduceTrials, 0),
    seed: checkSeed(o.seed),
    signal: o.signal,
  };
}

/** Strategies that explore a space systematically and can say it is complete. */
export function isSystematic(strategy: string): boolean {
  return strategy === 'dpor' || strategy === 'dfs';
}

/** The `memory` override, checked: nothing when the scenario's own field decides. */
function memoryModel(v: string | undefined): { memory?: MemoryModelName } {
  if (v === undefined) return {};
  if (!MEMORY_MODELS.includes(v as MemoryModelName))
    throw new UsageError(`unknown memory model "${v}" (use ${MEMORY_MODELS.join(', ')})`);
  return { memory: v as MemoryModelName };
}

/** A seed outside 32 bits would silently run as another one. */
function checkSeed(v: unknown): number {
  const seed = typeof v === 'string' ? Number(v) : (v ?? DEFAULTS.seed);
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < SEED_MIN || seed > SEED_MAX) {
    throw new UsageError(`seed must be an integer from ${SEED_MIN} to ${SEED_MAX}, got ${String(v)}`);
  }
  return seed;
}

export function resolveOptions(o: ExploreOptions = {}): ResolvedOptions {
  const strategy = o.strategy ?? DEFAULTS.strategy;
  if (!RUN_STRATEGIES.includes(strategy as StrategyName)) {
    throw new UsageError(
      `unknown strategy "${strategy}" (use ${RUN_STRATEGIES.slice(0, -1).join(', ')} or ${RUN_STRATEGIES.at(-1)})`,
    );
  }
  const maxEvents = positiveInt('maxEvents', o.maxEvents, DEFAULTS.maxEvents);
  const systematic = isSystematic(strategy);
  if (!systematic && (o.preemptionBound !== undefined || o.maxExecutions !== undefined || o.iterate)) {
    throw new UsageError('preemption bound and max executions are for --strategy dpor (or dfs)');
  }
  let preemptionBound: number | undefined;
  if (o.preemptionBound !== undefined) {
    preemptionBound = typeof o.preemptionBound === 'string' ? Number(o.preemptionBound) : o.preemptionBound;
    if (!Number.isInteger(preemptionBound) || preemptionBound < 0)
      throw new UsageError(`preemption bound must be an integer ≥ 0, got ${String(o.preemptionBound)}`);
  }
  if (o.iterate && preemptionBound === undefined)
    throw new UsageError('iterating the preemption bound needs a bound (--preemption-bound K)');
  return {
    trials: systematic
      ? positiveInt('maxExecutions', o.maxExecutions ?? o.trials, DEFAULTS.maxExecutions)
      : positiveInt('trials', o.trials, DEFAULTS.trials),
    strategy: strategy as StrategyName,
    depth: positiveInt('depth', o.depth, DEFAULTS.depth),
    preemptionBound,
    iterate: o.iterate ?? false,
    seed: checkSeed(o.seed),
    hangMs: positiveInt('hangMs', o.hangMs, DEFAULTS.hangMs),
    limits: { ...DEFAULT_LIMITS, maxEvents, maxChoices: maxEvents, ...memoryModel(o.memory) },
    detectors: o.detectors ?? true,
    reports: o.reports ?? true,
    onProgress: o.onProgress,
    firstTrial: o.firstTrial === undefined ? 0 : atLeast('firstTrial', o.firstTrial, 0, 0),
    timeBudgetMs: o.timeBudgetMs === undefined ? Infinity : atLeast('timeBudgetMs', o.timeBudgetMs, 0, 1),
    onNewFinding: o.onNewFinding,
    signal: o.signal,
    jobs: o.jobs === undefined ? undefined : positiveInt('jobs', o.jobs, 1),
  };
}
