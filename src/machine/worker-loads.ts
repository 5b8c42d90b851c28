/**
 * Which CPU threads have loaded their modules. Node aborts the whole process when a worker is
 * terminated while it is still instantiating its modules (piscina's worker requiring the CPU
 * bundle): "FATAL ERROR: v8::Module::IsGraphAsync …" or "Assertion failed:
 * facade->InstantiateModule". A usage error found while threads started ahead (head-start.ts)
 * were still loading ended the process that way in about 1 run of 70. So each pool counts
 * the threads it starts and the threads whose modules have loaded, and is destroyed only
 * once the two match.
 */
import { workerData } from 'node:worker_threads';
import type { Piscina } from 'piscina';

/** What a CPU thread finds in its workerData: the word it bumps once loaded. */
interface LoadWord {
  smpsimLoaded?: SharedArrayBuffer;
}

/** A pool's count of threads started (in this thread) and loaded (in a shared word). */
interface Loads {
  started: number;
  loaded: Int32Array;
}

const loadsOf = new WeakMap<Piscina, Loads>();

/** The workerData of a new pool's threads, and a function to watch that pool with it. */
export function loadTracking(): { workerData: LoadWord; watch(pool: Piscina): void } {
  const sab = new SharedArrayBuffer(4);
  return {
    workerData: { smpsimLoaded: sab },
    watch(pool) {
      const loads: Loads = { started: 0, loaded: new Int32Array(sab) };
      loadsOf.set(pool, loads);
      // every thread the pool starts, the first ones and the replacements of ended ones
      pool.on('workerCreate', () => loads.started++);
    },
  };
}

/** In a CPU thread, once its modules are loaded: it may now be ended. */
export function markLoaded(): void {
  const sab = (workerData as LoadWord | null)?.smpsimLoaded;
  if (sab) Atomics.add(new Int32Array(sab), 0, 1);
}

/** Polls of the counts between two looks, while waiting. */
const POLL_MS = 5;

/**
 * Resolves once every thread `pool` started has loaded its modules, or after `maxMs` (a thread
 * that never finishes loading must not keep the process from ending).
 */
export async function threadsLoaded(pool: Piscina, maxMs: number): Promise<void> {
  const loads = loadsOf.get(pool);
  if (!loads) return;
  // the first threads are announced a microtask after the pool is made
  await Promise.resolve();
  const until = performance.now() + maxMs;
  while (Atomics.load(loads.loaded, 0) < loads.started && performance.now() < until) {
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
