/**
 * The strategies, one entry each: how many words of shared state it needs for a machine of a
 * given shape, and how to build it over its slice of the buffer. A new strategy is its own file
 * in src/sched and one entry here.
 */
import { DporStrategy } from './dpor.ts';
import { PctStrategy } from './pct.ts';
import { ProbeStrategy } from './probe.ts';
import { RandomStrategy } from './random.ts';
import { type RegeneratedTrial, ReplayStrategy } from './replay.ts';
import type { Strategy, StrategyShape } from './strategy.ts';

/** What a batch asks for: a strategy by name, with its parameters. */
export interface StrategySpec {
  name: StrategyName;
  seed: number;
  /** PCT depth d: d-1 priority change points */
  depth: number;
  /** replay: the choices of each trial of the batch */
  schedules?: number[][];
  /** replay: a choice that does not fit is a mismatch (tokens) rather than taken modulo (fuzzing) */
  strict?: boolean;
  /** replay: by index in the batch, the trials whose choices are drawn again from `seed` */
  regenerated?: (RegeneratedTrial | null)[];
  /** dpor: CHESS's preemption bound (absent: unbounded) */
  preemptionBound?: number;
  /** dpor: search with bounds 0, 1 … preemptionBound in turn */
  iterate?: boolean;
}

export interface StrategyEntry {
  /** words of shared state the strategy keeps for a machine of this shape */
  words(shape: StrategyShape): number;
  /** the strategy over `state`, a slice of at least words(shape) words */
  create(state: Int32Array, spec: StrategySpec, shape: StrategyShape): Strategy;
}

export const STRATEGIES = {
  random: {
    words: () => RandomStrategy.WORDS,
    create: (state, spec) => new RandomStrategy(state, spec.seed),
  },
  pct: {
    words: (shape) => PctStrategy.wordsNeeded(shape),
    create: (state, spec, shape) => new PctStrategy(state, spec.seed, spec.depth, shape),
  },
  replay: {
    words: () => ReplayStrategy.WORDS,
    create: (state, spec) =>
      new ReplayStrategy(spec.schedules ?? [], spec.strict ?? true, state, spec.regenerated, spec.seed),
  },
  /** systematic: one execution per class of equivalent interleavings (source-DPOR) */
  dpor: {
    words: (shape) => DporStrategy.wordsNeeded(shape),
    create: (state, spec, shape) => new DporStrategy(state, shape, spec.preemptionBound ?? -1, spec.iterate ?? false),
  },
  /** every interleaving, without reduction: what DPOR is measured against (small spaces only) */
  dfs: {
    words: (shape) => DporStrategy.wordsNeeded(shape),
    create: (state, spec, shape) =>
      new DporStrategy(state, shape, spec.preemptionBound ?? -1, spec.iterate ?? false, false),
  },
  /** a person stepping a live machine: replay the first schedule, record the decision after it */
  probe: {
    words: (shape) => ProbeStrategy.wordsNeeded(shape),
    create: (state, spec) => new ProbeStrategy(spec.schedules?.[0] ?? [], state),
  },
} as const satisfies Record<string, StrategyEntry>;

export type StrategyName = keyof typeof STRATEGIES;
export const STRATEGY_NAMES = Object.keys(STRATEGIES) as StrategyName[];

/** Words the strategy region needs: enough for whichever strategy a batch asks for. */
export function strategyStateWords(shape: StrategyShape): number {
  return Math.max(...Object.values(STRATEGIES).map((s: StrategyEntry) => s.words(shape)));
}

export function makeStrategy(spec: StrategySpec, state: Int32Array, shape: StrategyShape): Strategy {
  const entry: StrategyEntry = STRATEGIES[spec.name];
  const need = entry.words(shape);
  if (state.length < need)
    throw new Error(`strategy ${spec.name} needs ${need} state words, the machine gave ${state.length}`);
  return entry.create(state, spec, shape);
}
