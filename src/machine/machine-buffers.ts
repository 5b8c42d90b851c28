/**
 * The machine's shared buffer, kept from batch to batch. A layout is megabytes (its event
 * log is sized for the longest trial), and a new SharedArrayBuffer per batch made every
 * short run pay for fresh zero pages as the CPUs first touched them, and V8 for the external
 * memory it had to collect: a collection now and then stalled a one-trial run by tens of
 * milliseconds. A buffer is handed back only after a batch whose workers all returned, so no
 * thread still writes into it.
 */
import type { Layout } from './layout.ts';

/** A spare buffer per machine (its pool's key): batches on one machine run one at a time. */
const spares = new Map<string, SharedArrayBuffer>();

/**
 * A buffer for a batch of layout `L` on machine `key`: the spare when it is large enough,
 * with every word before the event log zeroed as a new buffer's are (the log and the string
 * bytes are read only up to the counts the trial writes).
 */
export function takeBuffer(key: string, L: Layout): SharedArrayBuffer {
  const spare = spares.get(key);
  spares.delete(key);
  if (!spare || spare.byteLength < L.totalBytes) return new SharedArrayBuffer(L.totalBytes);
  new Int32Array(spare, 0, L.eventBase).fill(0);
  return spare;
}

/** Keep `sab` for machine `key`'s next batch. */
export function giveBackBuffer(key: string, sab: SharedArrayBuffer): void {
  spares.set(key, sab);
}

/** Forget every spare (the machines were shut down). */
export function dropBuffers(): void {
  spares.clear();
}
