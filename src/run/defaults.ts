/**
 * Every default of a run, in one place: the API fills omitted options from it, and the CLI's
 * flags, help text and README synopsis show the same values.
 */
export const DEFAULTS = {
  /** trials of `run` (explore) */
  trials: 1000,
  strategy: 'random',
  /** PCT's bug depth */
  depth: 3,
  seed: 1,
  /** a task running this long without a scheduling point is stopped and reported */
  hangMs: 1000,
  /** dpor: executions explored at most */
  maxExecutions: 100_000,
  /** events of one trial before it is cut short and reported as trial-too-long */
  maxEvents: 200_000,
  /** stress: how long to run, in seconds */
  seconds: 10,
  /** stress: a CPU making no progress this long is locked up */
  lockupMs: 2000,
  /** stress: trials of the controlled run that tries to reproduce each finding */
  reproduceTrials: 1000,
} as const;

/** Seeds are 32-bit signed integers: a larger one would silently wrap to another seed. */
export const SEED_MIN = -(2 ** 31);
export const SEED_MAX = 2 ** 31 - 1;
