/**
 * The scheduling contract. At every scheduling point the agent holding the baton lists its
 * options and asks the strategy which one to take. Options are small integers, all encoded here:
 *
 *   0 … agents-1           run that agent (the current one first, when it can run)
 *   IRQ_OPTION | line<<8 | cpu   deliver the interrupt of that line on that CPU; line
 *                          SOFTIRQ_LINE means "run that CPU's pending softirqs" (ksoftirqd);
 *                          TIMER_LINE means "the timer tick on that CPU": jiffies reach the
 *                          earliest expiry of a timer armed there, and what is due expires
 *   MIGRATE_OPTION | agent<<8 | cpu   preempt that agent (an unpinned task at a point where it
 *                          is preemptible) and move it to that CPU of its affinity
 *   END_OPTION (-1)        every task has finished: end the trial
 *   wakeOption(a) (<= -2)  end agent a's wait early (a timeout, a signal), or, offered to the
 *                          asking agent itself, "the fault happens" (an allocation fails)
 *   FLUSH_OPTION | seq<<8 | cpu   under a weak memory model, that CPU's buffered store number
 *                          seq (low 8 bits) becomes visible; listed after every other option
 *   VALUE_OPTION | i       a read's data choice: the store i places older than the newest it
 *                          may see (0: the newest); such a decision offers nothing else
 *
 * Option lists are ordered so that index 0 is "change nothing" (the current agent goes on),
 * which makes a schedule of all zeros the one with no preemption, and lets shrinking move
 * toward it. Negative options (the end, early wake-ups, faults) rank below every agent.
 *
 * A strategy keeps all of its state in `state`, a slice of the shared buffer, because the
 * baton moves between worker threads and each of them draws from the same strategy. It says
 * how many words it needs for a machine of a given shape (its entry in STRATEGIES); the machine
 * sizes the strategy region from that, so nothing here knows the buffer's layout.
 *
 * Lifecycle, as Shuttle's Scheduler: `beginTrial` opens a trial, or answers false when there is
 * nothing left to explore (the batch then ends before that trial); `choose` is asked at every
 * decision point with two or more options (every one, with footprints, for a strategy that asks
 * for them); `endTrial` sees how long the trial was.
 */
export const IRQ_OPTION = 0x10000;
export const END_OPTION = -1;
/** Pseudo line of the irq-kind option "run this CPU's pending softirqs" (what ksoftirqd does). */
export const SOFTIRQ_LINE = 0xff;
/** Pseudo line of the irq-kind option "the timer tick on this CPU expires its due timers". */
export const TIMER_LINE = 0xfe;
/** Lines an option can name: 8 bits, the last two being TIMER_LINE and SOFTIRQ_LINE. */
export const MAX_IRQ_LINES = TIMER_LINE;
/** CPUs an irq option can name: 8 bits. */
export const MAX_OPTION_CPUS = 0x100;

/** The option kinds above the agents pack two 8-bit fields: kind | high<<8 | cpu. */
function packOption(kind: number, high: number, cpu: number): number {
  return kind | ((high & 0xff) << 8) | cpu;
}
function optionHigh(o: number): number {
  return (o >> 8) & 0xff;
}

export function irqOption(line: number, cpu: number): number {
  return packOption(IRQ_OPTION, line, cpu);
}
export function isIrqOption(o: number): boolean {
  return o >= IRQ_OPTION && o < MIGRATE_OPTION;
}
export function optionLine(o: number): number {
  return optionHigh(o);
}
/** The CPU an irq, migration or flush option names. */
export function optionCpu(o: number): number {
  return o & 0xff;
}
export function isSoftirqOption(o: number): boolean {
  return isIrqOption(o) && optionLine(o) === SOFTIRQ_LINE;
}
export function isTimerOption(o: number): boolean {
  return isIrqOption(o) && optionLine(o) === TIMER_LINE;
}

// ---- migration of unpinned tasks (their preemption at a point, then a move to another CPU)

/** Options MIGRATE_OPTION | agent<<8 | cpu: above every irq option, agents and CPUs 8 bits each. */
export const MIGRATE_OPTION = 0x20000;
/** Migrations one unpinned task may make in a trial unless its declaration says otherwise. */
export const DEFAULT_MIGRATIONS = 1;
export function migrateOption(agent: number, cpu: number): number {
  return packOption(MIGRATE_OPTION, agent, cpu);
}
export function isMigrateOption(o: number): boolean {
  return o >= MIGRATE_OPTION && o < MIGRATE_OPTION + 0x10000;
}
/** An irq delivery or a migration: the options a strategy ranks apart from agents. */
export function isIrqOrMigrateOption(o: number): boolean {
  return o >= IRQ_OPTION && o < FLUSH_OPTION;
}
export function migrateAgent(o: number): number {
  return optionHigh(o);
}
export function migrateCpu(o: number): number {
  return optionCpu(o);
}

/** Option "end the wait of agent a's innermost context" (or "the fault happens"): -2 - a. */
const WAKE_BASE = -2;
export function wakeOption(agent: number): number {
  return WAKE_BASE - agent;
}
export function isWakeOption(o: number): boolean {
  return o <= WAKE_BASE;
}
export function wakeOptionAgent(o: number): number {
  return WAKE_BASE - o;
}

// ---------------------------------------------------------------- memory model choices
/** Option "CPU cpu's buffered store number seq drains": it becomes visible to every CPU. */
export const FLUSH_OPTION = 0x30000;
/** Option i of a read's data choice: the store i places older than the newest it may see. */
export const VALUE_OPTION = 0x40000;
export function flushOption(seq: number, cpu: number): number {
  return packOption(FLUSH_OPTION, seq, cpu);
}
export function isFlushOption(o: number): boolean {
  return o >= FLUSH_OPTION && o < VALUE_OPTION;
}
/** The store number (low 8 bits) a flush option names; its CPU is optionCpu(o). */
export function flushSeq(o: number): number {
  return optionHigh(o);
}
export function valueOption(i: number): number {
  return VALUE_OPTION | i;
}
export function isValueOption(o: number): boolean {
  return o >= VALUE_OPTION;
}
// ---------------------------------------------------------------- end of memory model choices

/** What a strategy may size its state by: the machine's agents and its interrupt lines. */
export interface StrategyShape {
  /** agents the baton can be handed to (option values 0 … agents-1) */
  readonly agents: number;
  /** per IRQ line, how many times it may fire in one trial */
  readonly fires: readonly number[];
  /** flush options one decision may offer (buffered stores that may drain): 0 under 'sc' */
  readonly flushes?: number;
  /** values one read may choose among (a data choice): 0 under 'sc' and 'tso' */
  readonly values?: number;
  /**
   * per agent, the migrations it may make in one trial and the CPUs it may move to (both 0
   * for a pinned one, and when absent): migration options exist only with unpinned tasks
   */
  readonly migrations?: readonly number[];
  readonly moveTargets?: readonly number[];
}

/** Migration options one decision may list at most: one per unpinned agent and other CPU. */
export function maxMigrateOptions(shape: StrategyShape): number {
  return (shape.moveTargets ?? []).reduce((a, b) => a + b, 0);
}

export interface Decision {
  /** the agent holding the baton (the one asking) */
  readonly current: number;
  readonly options: Int32Array;
  readonly n: number;
  /** decision points so far in this trial, this one included */
  readonly step: number;
  /** events the trial has made so far */
  readonly events: number;
  /**
   * Per option, the footprint of its next step (footprint.ts): object, Access, CPU. Filled only
   * for a strategy that declares `footprints`; otherwise stale.
   */
  readonly objs: Int32Array;
  readonly access: Int32Array;
  readonly cpus: Int32Array;
}

export interface Strategy {
  /**
   * Set up the shared state for run-level trial `trial`, the `indexInBatch`-th of its batch (run
   * by the agent that opens trials). False: exploration is finished, no trial is opened.
   */
  beginTrial(trial: number, indexInBatch: number): boolean;
  /** Index into d.options of the option to take; only asked when there are two or more. */
  choose(d: Decision): number;
  /** Called when a trial ends with the number of decision points it had (PCT learns k). */
  endTrial?(steps: number): void;
  /**
   * A partial-order strategy: the machine fills each decision's footprints, and asks `choose`
   * at every decision, also those with one option (whose answer, 0, is not part of the schedule).
   */
  readonly footprints?: boolean;
  /** Replays: true when the trial just ended did not fit its record (a token mismatch). */
  mismatched?(indexInBatch: number): boolean;
  /**
   * A trial's choices follow from the seed and the trial number alone, so a long trial's token
   * may name them by count and digest (token.ts); the replay draws them again.
   */
  readonly regenerable?: boolean;
}
