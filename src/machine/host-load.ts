/**
 * What else runs on the host, seen from inside the process: the CPU threads' hand-off spins
 * only pay while every spinner and every baton holder has a core of its own. A busy
 * neighbour (another test file, a parallel CI job, a build) makes a spinner steal the core of
 * the very thread it waits for, so the machine must notice it within a tenth of a second; the
 * load averages lag by seconds.
 *
 * So the main thread, at each watchdog tick, reads the CPU time the whole host has spent busy
 * (/proc/stat, stolen time included) and subtracts what this process spent
 * (process.cpuUsage(), all its threads): the rest, over the wall time between two ticks, is
 * the cores others took. A moving average of it goes in a word shared with every CPU thread
 * (HandoffSpin reads it). Where /proc/stat cannot be read, the word stays 0 and the spinners
 * go by whether their spins pay alone.
 */
import { readFileSync } from 'node:fs';

/** Word 0: CPU threads of the process in running batches. Word 1: cores the host's other work takes, in hundredths (moving average). */
export const HOST = { THREADS: 0, OTHERS: 1 } as const;

/** The host words, one set per process, shared with every CPU worker. */
export const hostLoad = new Int32Array(new SharedArrayBuffer(8));

/** The moving average weighs about the last this many samples (a watchdog tick each). */
const SAMPLES = 5;
/** Samples closer than this come from another batch's watchdog in the same tick. */
const MIN_INTERVAL_MS = 15;
/** /proc/stat counts in USER_HZ ticks, 100 a second on every Linux build. */
const MS_PER_TICK = 10;

let readable = process.platform === 'linux';
let last: { hostMs: number; ownMs: number; at: number } | undefined;

/** Milliseconds of CPU time the whole host has spent busy since boot, or undefined. */
function hostBusyMs(): number | undefined {
  if (!readable) return undefined;
  try {
    const text = readFileSync('/proc/stat', 'latin1');
    // cpu  user nice system idle iowait irq softirq steal …
    const f = text.slice(0, text.indexOf('\n')).trim().split(/\s+/).map(Number);
    const busy = f[1]! + f[2]! + f[3]! + f[6]! + f[7]! + f[8]!;
    if (Number.isFinite(busy)) return busy * MS_PER_TICK;
  } catch {
    // no procfs (a sandbox): fall through
  }
  readable = false;
  return undefined;
}

/**
 * One sample, taken by the main thread while batches run. Every running batch's watchdog asks
 * (--jobs runs several): the process samples once a tick, whoever asks first.
 */
export function sampleHostLoad(): void {
  const at = performance.now();
  if (last && at - last.at < MIN_INTERVAL_MS) return;
  const hostMs = hostBusyMs();
  if (hostMs === undefined) return;
  const u = process.cpuUsage();
  const now = { hostMs, ownMs: (u.user + u.system) / 1000, at };
  const prev = last;
  last = now;
  // a gap (no batch running for a while) starts the window again
  if (!prev || now.at - prev.at > 1000 || now.at <= prev.at) return;
  const others = Math.max(0, now.hostMs - prev.hostMs - (now.ownMs - prev.ownMs)) / (now.at - prev.at);
  const avg = Atomics.load(hostLoad, HOST.OTHERS);
  Atomics.store(hostLoad, HOST.OTHERS, Math.round(avg + (others * 100 - avg) / SAMPLES));
}

/** True while the process's CPU threads and the cores the host's other work takes fit the cores. */
export function spinPays(cores: number, words: Int32Array = hostLoad): boolean {
  return Atomics.load(words, HOST.THREADS) * 100 + Atomics.load(words, HOST.OTHERS) <= cores * 100 + 50;
}
