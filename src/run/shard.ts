/**
 * `--shard k/n`: shard k of n runs a contiguous block of the trial numbers. A trial's schedule
 * depends only on the seed and its trial number, so shards are deterministic and disjoint, and
 * together they run exactly the trials of the unsharded run. A finding a detector makes within
 * one trial (a deadlock, a race, a broken invariant) is found by the shard holding that trial
 * with the same token; lockdep's graph spans one shard's trials, so a cycle whose edges were
 * first seen in two different shards is found by neither.
 */
import { UsageError } from './options.ts';

export interface Shard {
  /** 1-based, as written on the command line */
  k: number;
  n: number;
}

export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n) throw new UsageError(`--shard must be k/n with 1 ≤ k ≤ n, got "${text}"`);
  return { k, n };
}

/** The trial numbers [first, end) of shard k of n over trials 0 … trials-1. */
export function shardRange(trials: number, s: Shard): { first: number; end: number } {
  return { first: Math.floor(((s.k - 1) * trials) / s.n), end: Math.floor((s.k * trials) / s.n) };
}
