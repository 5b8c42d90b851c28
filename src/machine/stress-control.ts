/**
 * Stress mode's own control words, in a small SharedArrayBuffer next to the machine's: trial
 * hand-over between CPUs that run at once, per-CPU progress counters (monotonic across trials,
 * read by the main thread's watchdog) and per-CPU pending-irq bits set by the IRQ source.
 */
/**
 * Words that one CPU writes on every event sit on a cache line of their own: two CPUs that
 * write one line take it from each other at every write, and a CPU reading a word another CPU
 * keeps writing misses its cache each time (false sharing). So the event sequence has a line
 * to itself, and each CPU's progress counter and pending irq bits share a line with nothing
 * of another CPU's.
 */
const LINE_WORDS = 16;

export const SC = {
  PARKED: 0, //     CPUs done with the current trial
  DONE_TASKS: 1, // tasks that have returned in the current trial
  SEQ: LINE_WORDS, // events claimed in the current trial (the closer copies it to H.NEV)
  CPU_LINES: 2 * LINE_WORDS, // a line per CPU: progressWord(), pendingWord()
} as const;

export function stressControlWords(ncpus: number): number {
  return SC.CPU_LINES + LINE_WORDS * ncpus;
}
/** word of CPU c's event counter since the batch began (monotonic across trials, read by the watchdog) */
export function progressWord(c: number): number {
  return SC.CPU_LINES + LINE_WORDS * c;
}
/** word of CPU c's pending irq lines (bit l = line l) */
export function pendingWord(c: number): number {
  return progressWord(c) + 1;
}

/** What a stress batch adds to a CPU's batch task. */
export interface StressPlan {
  /** Int32 control words (stressControlWords) */
  ctl: SharedArrayBuffer;
  /** Date.now() at which the closer stops opening trials */
  deadline: number;
  seed: number;
}
