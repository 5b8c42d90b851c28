/**
 * Load for the "loaded" figure: one thread that spins until told to stop, as another test
 * file, a parallel CI job or a build would keep a core busy.
 */
import { Worker } from 'node:worker_threads';

const SOURCE = `
const { workerData } = require('node:worker_threads');
const stop = new Int32Array(workerData);
let x = 0;
while (Atomics.load(stop, 0) === 0) for (let i = 0; i < 100000; i++) x = (x * 31 + i) | 0;
`;

export async function withBusyThread<T>(body: () => Promise<T>): Promise<T> {
  const stop = new SharedArrayBuffer(4);
  const w = new Worker(SOURCE, { eval: true, workerData: stop });
  await new Promise<void>((r) => w.once('online', () => r()));
  try {
    return await body();
  } finally {
    Atomics.store(new Int32Array(stop), 0, 1);
    await w.terminate();
  }
}
