/**
 * A small 32-bit PRNG (mulberry32) whose whole state is one Int32 word, so it can live in the
 * shared buffer: whichever CPU worker holds the baton draws the next number and every worker
 * sees the same sequence.
 */
export function nextU32(state: Int32Array, at: number): number {
  const a = (state[at]! + 0x6d2b79f5) | 0;
  state[at] = a;
  let t = Math.imul(a ^ (a >>> 15), 1 | a);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return (t ^ (t >>> 14)) >>> 0;
}

/** Uniform integer in [0, n). */
export function below(state: Int32Array, at: number, n: number): number {
  return nextU32(state, at) % n;
}

/** A trial's seed from the run's seed and the trial number: trials are independent streams. */
export function trialSeed(seed: number, trial: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(trial + 1, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h | 0;
}
