/**
 * Baseline for P1: a baton passed around a ring of plain worker threads with Atomics.wait /
 * notify, one wait word per thread and notify(…, 1): the fastest hand-off this machine does.
 */
import { Worker } from 'node:worker_threads';

const RING_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { sab, me, n, rounds } = workerData;
const w = new Int32Array(sab);
const next = (me + 1) % n;
let passes = 0;
for (;;) {
  while (Atomics.load(w, me) === 0) Atomics.wait(w, me, 0, 100);
  Atomics.store(w, me, 0);
  if (Atomics.load(w, n) >= rounds) { Atomics.store(w, next, 1); Atomics.notify(w, next, 1); break; }
  Atomics.add(w, n, 1);
  passes++;
  Atomics.store(w, next, 1);
  Atomics.notify(w, next, 1);
}
parentPort.postMessage(passes);
`;

/** Hand-offs per second around a ring of n threads. */
export async function rawRingSwitchesPerSec(n: number, handoffs: number): Promise<number> {
  const sab = new SharedArrayBuffer(4 * (n + 1));
  const ready: Promise<unknown>[] = [];
  const workers = Array.from({ length: n }, (_, me) => {
    const w = new Worker(RING_WORKER, { eval: true, workerData: { sab, me, n, rounds: handoffs } });
    ready.push(new Promise((r) => w.once('online', r)));
    return w;
  });
  await Promise.all(ready);
  const done = workers.map((w) => new Promise((r) => w.once('message', r)));
  const t0 = performance.now();
  const words = new Int32Array(sab);
  Atomics.store(words, 0, 1);
  Atomics.notify(words, 0, 1);
  await Promise.all(done);
  const secs = (performance.now() - t0) / 1000;
  await Promise.all(workers.map((w) => w.terminate()));
  return handoffs / secs;
}
