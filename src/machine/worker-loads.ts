/**
 * Which CPU threads have loaded their modules. Node aborts the whole process when a worker is
 * terminated while it is still instantiating its modules (piscina's worker requiring the CPU
 * bundle): "FATAL ERROR: v8::Module::IsGraphAsync …" or "Assertion failed:
 * facade->InstantiateModule". A usage error found while threads started ahead (head-start.ts)
 * were still loading ended the process that way in about 1 run of 70, and so can a run that
 * ends right after the watchdog replaced a hung thread. So each thread, once loaded, writes
 * its thread id where its pool can read it, and a pool is destroyed only once every thread it
 * has then is among them.
 */
import { threadId, workerData } from 'node:worker_threads';
import type { Piscina } from 'piscina';

/** What a CPU thread finds in its workerData: [loads so far, then a ring of loaded thread ids]. */
interface LoadRing {
  smpsimLoaded?: SharedArrayBuffer;
}

/** The ring keeps this many of the latest ids: far more than a pool has threads at once. */
const RING = 256;

const ringOf = new WeakMap<Piscina, Int32Array>();

/** The workerData of a new pool's threads, and a function to watch that pool with it. */
export function loadTracking(): { workerData: LoadRing; watch(pool: Piscina): void } {
  const sab = new SharedArrayBuffer(4 * (1 + RING));
  return { workerData: { smpsimLoaded: sab }, watch: (pool) => ringOf.set(pool, new Int32Array(sab)) };
}

/**
 * In a CPU thread, as its entry module ends evaluating: the thread may be ended once the load
 * is over. That is not yet at this point: piscina loads the entry with require(), and Node's
 * require of an ES module still builds a facade module after the evaluation (the abort
 * "facade->InstantiateModule" came from there, in about 1 run of 100). require() is
 * synchronous, so the thread says it has loaded in a microtask: after require() has returned,
 * and before any batch can start and keep the thread busy.
 */
export function markLoaded(): void {
  const sab = (workerData as LoadRing | null)?.smpsimLoaded;
  if (!sab) return;
  const ring = new Int32Array(sab);
  queueMicrotask(() => Atomics.store(ring, 1 + (Atomics.add(ring, 0, 1) % RING), threadId));
}

/** Polls of the ring between two looks, while waiting. */
const POLL_MS = 5;

function allLoaded(pool: Piscina, ring: Int32Array): boolean {
  const loaded = new Set<number>();
  const n = Math.min(Atomics.load(ring, 0), RING);
  for (let i = 1; i <= n; i++) loaded.add(Atomics.load(ring, i));
  return pool.threads.every((w) => loaded.has(w.threadId));
}

/**
 * Resolves once every thread `pool` has has loaded its modules, or after `maxMs` (a thread
 * that never finishes loading must not keep the process from ending).
 */
export async function threadsLoaded(pool: Piscina, maxMs: number): Promise<void> {
  const ring = ringOf.get(pool);
  if (!ring) return;
  const until = performance.now() + maxMs;
  while (!allLoaded(pool, ring) && performance.now() < until) await new Promise((r) => setTimeout(r, POLL_MS));
}
