/**
 * Stress mode's own control words, in a small SharedArrayBuffer next to the machine's: trial
 * hand-over between CPUs that run at once, per-CPU progress counters (monotonic across trials,
 * read by the main thread's watchdog) and per-CPU pending-irq bits set by the IRQ source.
 */
export const SC = {
  PARKED: 0, //     CPUs done with the current trial
  DONE_TASKS: 1, // tasks that have returned in the current trial
  PROGRESS: 8, //   + cpu: events emitted by the CPU since the batch began
} as const;

export function stressControlWords(ncpus: number): number {
  return SC.PROGRESS + 2 * ncpus;
}
/** word of CPU c's pending irq lines (bit l = line l) */
export function pendingWord(ncpus: number, c: number): number {
  return SC.PROGRESS + ncpus + c;
}

/** What a stress batch adds to a CPU's batch task. */
export interface StressPlan {
  /** Int32 control words (stressControlWords) */
  ctl: SharedArrayBuffer;
  /** Date.now() at which the closer stops opening trials */
  deadline: number;
  seed: number;
}
