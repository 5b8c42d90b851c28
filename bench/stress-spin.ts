/**
 * P3: instrumented spin_lock/spin_unlock pairs per second in stress mode on 2 CPUs, next to the
 * same loop on a raw Atomics.compareExchange spinlock between two plain worker threads, both
 * measured in the same run.
 */
import { Worker } from 'node:worker_threads';

/** The raw loop: lock with compareExchange 0 → 1, unlock with a store, `pairs` times. */
const RAW_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const m = new Int32Array(workerData.sab);
const { pairs, me, seqWord } = workerData;
const SEQ = 16; // on a cache line of its own, as stress mode's sequence word is
Atomics.add(m, 1, 1);
while (Atomics.load(m, 1) < 2);
const t0 = performance.now();
for (let i = 0; i < pairs; i++) {
  while (Atomics.compareExchange(m, 0, 0, me) !== 0);
  if (seqWord) Atomics.add(m, SEQ, 1);
  if (seqWord) Atomics.add(m, SEQ, 1);
  Atomics.store(m, 0, 0);
}
parentPort.postMessage(performance.now() - t0);
`;

/**
 * Lock/unlock pairs per second of two plain workers sharing one raw spinlock. `seqWord`: each
 * pair also takes two numbers from one shared Atomics.add counter on a cache line of its own, as
 * stress mode's event log does for its two events (the ceiling that counter puts on P3, measured).
 */
export async function rawSpinPairsPerSec(pairs = 2_000_000, seqWord = false): Promise<number> {
  const sab = new SharedArrayBuffer(4 * 32);
  const times = await Promise.all(
    [1, 2].map(
      (me) =>
        new Promise<number>((resolve, reject) => {
          const w = new Worker(RAW_WORKER, { eval: true, workerData: { sab, pairs, me, seqWord } });
          w.once('message', (ms: number) => {
            void w.terminate();
            resolve(ms);
          });
          w.once('error', reject);
        }),
    ),
  );
  return (2 * pairs) / (Math.max(...times) / 1000);
}

/** A stress run, as src/run/stress.ts's stress() (passed in: the machine layer does not import runs). */
export type StressRun = (
  path: string,
  opts: { seconds: number; reproduceTrials: number },
) => Promise<{ trials: number; elapsedMs: number }>;

/**
 * `value`: stress-mode spin_lock/spin_unlock pairs per second (every pair is two events, two
 * scheduling points, the detectors see them all); `baseline`: the raw spinlock.
 */
export async function stressSpinBench(
  stress: StressRun,
  scenarioPath: string,
  pairsPerTask: number,
  seconds = 2,
): Promise<{ value: number; baseline: number }> {
  const r = await stress(scenarioPath, { seconds, reproduceTrials: 0 });
  const value = (r.trials * 2 * pairsPerTask) / (r.elapsedMs / 1000);
  return { value, baseline: await rawSpinPairsPerSec() };
}
