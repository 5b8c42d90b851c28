/** How a trial ended, as the header's TSTATE word holds it. */
export const TrialState = {
  RUNNING: 0,
  DONE: 1, //       every task finished
  DEADLOCK: 2, //   some task unfinished, nothing can run
  EXCEPTION: 3, //  a task or handler threw
  BUG: 4, //        BUG_ON
  STEP_LIMIT: 5, // ran past maxEvents (livelock)
  ABORTED: 6, //    stopped from outside (watchdog, shutdown)
  MISMATCH: 7, //   replay token does not fit
  USAGE: 8, //      a kernel call used wrongly (usage-error.ts): the run's error, not a finding
} as const;
