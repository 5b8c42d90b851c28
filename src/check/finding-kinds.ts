/** The fixed vocabulary of finding kinds (JSON `kind`, SARIF rule ids). */
export const FINDING_KINDS = [
  'deadlock',
  'circular-dependency',
  'recursive-locking',
  'inconsistent-lock-state',
  'irq-lock-inversion',
  'sleep-in-atomic',
  'scheduling-while-atomic',
  'data-race',
  'bad-unlock-balance',
  'lock-held-at-exit',
  'irq-state-leak',
  'assertion',
  'exception',
  'soft-lockup',
  'spurious-irq',
  'hung-task',
  /** lockdep_assert_held() and friends: the code's own locking assertion failed */
  'lockdep-assert',
  /** CONFIG_DEBUG_PREEMPT: smp_processor_id() or __this_cpu_*() in preemptible code by a task that can migrate */
  'preemptible-cpu-access',
  /** a warning about the run, not the code: a trial longer than --max-events was cut short */
  'trial-too-long',
  // heap objects and reference counts
  'use-after-free',
  'double-free',
  'invalid-free',
  'slab-out-of-bounds',
  'refcount-warning',
  'suspicious-rcu-usage',
] as const;

export type FindingKind = (typeof FINDING_KINDS)[number];
