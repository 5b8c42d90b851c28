/**
 * `--jobs N`: N independent machines run disjoint blocks of a run's trial numbers at once.
 *
 * Under the baton only one thread of a machine holds it at a time, but a waiting thread spins
 * on its own core while the host is quiet (baton.ts), so a machine keeps as many cores busy as
 * it has agents: the default is as many machines as fit the cores that way, and one where even
 * one does not (on a 2-core host, one machine of a 2-CPU scenario: two measured slower, since
 * spinning stops once threads outnumber cores). A trial's schedule
 * depends only on the seed and its trial number, and findings are merged keeping the lowest
 * first trial (as shards are), so a run gives the same findings, counts and tokens with any
 * number of jobs. Each machine's lockdep graph spans its own block; the blocks' lockdep
 * histories replayed as one run find what they saw only together (lockdep-across-blocks.ts).
 */
import { availableParallelism } from 'node:os';

/** Fewer trials than this per machine do not pay for starting another machine's workers. */
export const MIN_TRIALS_PER_JOB = 500;

/** The machines a run of `trials` on an `agents`-thread machine uses when the caller does not say. */
export function defaultJobs(trials: number, agents: number, cores = availableParallelism()): number {
  return Math.max(1, Math.min(Math.floor(cores / agents), Math.floor(trials / MIN_TRIALS_PER_JOB)));
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
