/**
 * The scheduling contract. At every scheduling point the CPU holding the baton lists its
 * options and asks the strategy which one to take. Options are small integers:
 *
 *   0 … 63                 run that CPU (the current one first, when it can run)
 *   IRQ_OPTION | line<<8 | cpu   deliver the interrupt of that line on that CPU
 *   END_OPTION             every task has finished: end the trial
 *
 * Option lists are ordered so that index 0 is "change nothing" (the current CPU goes on), which
 * makes a schedule of all zeros the one with no preemption, and lets shrinking move toward it.
 *
 * A strategy keeps all of its state in `state`, a slice of the shared buffer, because the
 * baton moves between worker threads and each of them draws from the same strategy.
 */
export const IRQ_OPTION = 0x10000;
export const END_OPTION = -1;

export function irqOption(line: number, cpu: number): number {
  return IRQ_OPTION | (line << 8) | cpu;
}
export function isIrqOption(o: number): boolean {
  return o >= IRQ_OPTION;
}
export function optionLine(o: number): number {
  return (o >> 8) & 0xff;
}
export function optionCpu(o: number): number {
  return o & 0xff;
}

export interface Decision {
  /** CPU holding the baton */
  readonly current: number;
  readonly options: Int32Array;
  readonly n: number;
  /** decision points so far in this trial, this one included */
  readonly step: number;
}

export interface Strategy {
  /** Set up the shared state for trial number `trial` (run by the CPU that opens trials). */
  beginTrial(trial: number): void;
  /** Index into d.options of the option to take; only asked when there are two or more. */
  choose(d: Decision): number;
  /** Called when a trial ends with the number of decision points it had (PCT learns k). */
  endTrial?(steps: number): void;
  /** Replays: true when trial `indexInBatch` left recorded choices unused (token mismatch). */
  leftOver?(indexInBatch: number): boolean;
}

export type StrategyName = 'random' | 'pct' | 'replay';
export const STRATEGY_NAMES: readonly StrategyName[] = ['random', 'pct', 'replay'];

export interface StrategyParams {
  name: StrategyName;
  seed: number;
  /** PCT depth d: d-1 priority change points */
  depth: number;
  ncpus: number;
  nlines: number;
  /** per line, how many times it may fire */
  fires: number[];
}
