/**
 * `--jobs N`: N independent machines run disjoint blocks of a run's trial numbers at once.
 *
 * Under the baton only one thread of a machine runs at a time, so a machine keeps about one
 * core busy whatever its CPU count. The default is one machine: on these hosts two machines
 * measured slower than one (spinning is off once threads outnumber cores). A trial's schedule
 * depends only on the seed and its trial number, and findings are merged keeping the lowest
 * first trial (as shards are), so a run gives the same findings, counts and tokens with any
 * number of jobs. Each machine's lockdep graph spans its own block; the blocks' lockdep
 * histories replayed as one run find what they saw only together (lockdep-across-blocks.ts).
 */
import { availableParallelism } from 'node:os';

/** Fewer trials than this per machine do not pay for starting another machine's workers. */
export const MIN_TRIALS_PER_JOB = 500;

/** The machines a run uses when the caller does not say. */
export function defaultJobs(_trials: number): number {
  return 1;
}

/** The most machines worth asking for on this host: one per available core. */
export function maxUsefulJobs(trials: number): number {
  return Math.max(1, Math.min(availableParallelism(), Math.floor(trials / MIN_TRIALS_PER_JOB)));
}

/** Trial numbers [first, end) cut into `jobs` contiguous blocks, in order, none empty. */
export function jobRanges(first: number, end: number, jobs: number): { first: number; end: number }[] {
  const n = Math.max(1, Math.min(jobs, end - first));
  return Array.from({ length: n }, (_, k) => ({
    first: first + Math.floor((k * (end - first)) / n),
    end: first + Math.floor(((k + 1) * (end - first)) / n),
  }));
}
