/** Build the strategy a batch asked for, over the strategy slice of the shared buffer. */
import { H, type Layout } from '../machine/layout.ts';
import { PctStrategy } from './pct.ts';
import { RandomStrategy } from './random.ts';
import { ReplayStrategy } from './replay.ts';
import { ProbeStrategy } from './probe.ts';
import type { Strategy, StrategyName } from './strategy.ts';

export interface StrategySpec {
  name: StrategyName;
  seed: number;
  depth: number;
  /** replay: the choices of each trial of the batch */
  schedules?: number[][];
  /** replay: a choice that does not fit is a mismatch (tokens) rather than taken modulo (fuzzing) */
  strict?: boolean;
  /** replay: record the decision past the end of the (single) schedule (stepping a machine) */
  probe?: boolean;
}

export function makeStrategy(spec: StrategySpec, L: Layout, m: Int32Array): Strategy {
  const region = m.subarray(L.strategyBase, L.strategyBase + L.strategyWords);
  switch (spec.name) {
    case 'random':
      return new RandomStrategy(region, spec.seed);
    case 'pct':
      return new PctStrategy(region, spec.seed, spec.depth, L.nagents, L.lines.map((l) => l.fires));
    case 'replay':
      if (spec.probe) return new ProbeStrategy(spec.schedules?.[0] ?? [], m, { pos: H.REPLAY_POS, mismatch: H.MISMATCH, events: H.NEV }, region);
      return new ReplayStrategy(spec.schedules ?? [], spec.strict ?? true, m, {
        pos: H.REPLAY_POS,
        trial: H.BATCH_TRIAL,
        mismatch: H.MISMATCH,
      });
  }
}
