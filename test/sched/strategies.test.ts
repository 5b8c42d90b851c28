import { describe, expect, it } from 'vitest';
import {
  STRATEGIES,
  STRATEGY_NAMES,
  makeStrategy,
  strategyStateWords,
  type StrategySpec,
} from '../../src/sched/strategies.ts';
import { END_OPTION, irqOption, type Decision, type StrategyShape } from '../../src/sched/strategy.ts';

const shape: StrategyShape = { agents: 4, fires: [2, 1] };

function decision(options: number[], step: number, current = 0): Decision {
  const none = new Int32Array(options.length);
  return {
    current,
    options: Int32Array.from(options),
    n: options.length,
    step,
    events: 0,
    objs: none,
    access: none,
    cpus: none,
  };
}

function build(spec: Partial<StrategySpec> & Pick<StrategySpec, 'name'>, s: StrategyShape = shape) {
  const state = new Int32Array(strategyStateWords(s));
  return { state, strategy: makeStrategy({ seed: 7, depth: 3, ...spec }, state, s) };
}

describe('the strategy table', () => {
  it('names every strategy, and the region fits the largest', () => {
    expect(STRATEGY_NAMES).toEqual(['random', 'pct', 'replay', 'dpor', 'dfs', 'probe']);
    for (const name of STRATEGY_NAMES)
      expect(STRATEGIES[name].words(shape)).toBeLessThanOrEqual(strategyStateWords(shape));
  });

  it('refuses a state slice smaller than the strategy asks for', () => {
    expect(() => makeStrategy({ name: 'pct', seed: 1, depth: 2 }, new Int32Array(3), shape)).toThrow(
      /pct needs \d+ state words, the machine gave 3/,
    );
  });
});

describe('PCT', () => {
  it('gives the agents distinct priorities and always runs the highest one that can run', () => {
    const { strategy } = build({ name: 'pct', depth: 1 }); // depth 1: no change points
    strategy.beginTrial(0, 0);
    const order: number[] = [];
    let runnable = [0, 1, 2, 3];
    while (runnable.length > 0) {
      const pick = runnable[strategy.choose(decision(runnable, order.length + 1, runnable[0]))]!;
      order.push(pick);
      runnable = runnable.filter((a) => a !== pick);
    }
    expect([...order].sort()).toEqual([0, 1, 2, 3]);
    // the same trial seed gives the same ranking
    strategy.beginTrial(0, 0);
    expect(strategy.choose(decision([0, 1, 2, 3], 1))).toBe(order[0]);
  });

  it('drops the running agent below every other at its change point, and only there', () => {
    // depth 2: one change point, drawn in [1, k] (k = 64 before any trial has run)
    const { strategy } = build({ name: 'pct', depth: 2 }, { agents: 2, fires: [] });
    for (let trial = 0; trial < 20; trial++) {
      strategy.beginTrial(trial, 0);
      const first = strategy.choose(decision([0, 1], 1000)); // past every change point: as drawn
      strategy.beginTrial(trial, 0);
      const picks = Array.from({ length: 64 }, (_, i) => strategy.choose(decision([first, 1 - first], i + 1, first)));
      const change = picks.indexOf(1);
      expect(change).toBeGreaterThanOrEqual(0);
      expect(picks.slice(0, change).every((p) => p === 0)).toBe(true);
      expect(picks.slice(change).every((p) => p === 1)).toBe(true);
    }
  });

  it('ranks the end below every agent', () => {
    const { strategy } = build({ name: 'pct', depth: 1 });
    for (let trial = 0; trial < 20; trial++) {
      strategy.beginTrial(trial, 0);
      expect(strategy.choose(decision([END_OPTION, 2], 1))).toBe(1);
    }
  });

  it('delivers each firing of an irq line once its step has come', () => {
    const { strategy } = build({ name: 'pct', depth: 1 }, { agents: 2, fires: [1] });
    strategy.beginTrial(0, 0);
    const irq = irqOption(0, 1);
    let delivered = -1;
    for (let step = 1; step <= 64 && delivered < 0; step++)
      if (strategy.choose(decision([0, 1, irq], step)) === 2) delivered = step;
    expect(delivered).toBeGreaterThan(0);
    // its one firing is spent: later steps never pick it again
    for (let step = delivered + 1; step <= 80; step++) expect(strategy.choose(decision([0, 1, irq], step))).not.toBe(2);
  });
});

describe('replay', () => {
  it('takes the recorded choices, then 0', () => {
    const { strategy } = build({ name: 'replay', schedules: [[1, 2]], strict: true });
    strategy.beginTrial(5, 0);
    expect([0, 1, 2].map((s) => strategy.choose(decision([0, 1, 2], s + 1)))).toEqual([1, 2, 0]);
    expect(strategy.mismatched?.(0)).toBe(false);
  });

  it('strict: a choice that does not exist, or one left unused, is a mismatch', () => {
    const { strategy } = build({ name: 'replay', schedules: [[3], [1, 1]], strict: true });
    strategy.beginTrial(0, 0);
    strategy.choose(decision([0, 1], 1));
    expect(strategy.mismatched?.(0)).toBe(true);
    strategy.beginTrial(1, 1);
    strategy.choose(decision([0, 1], 1));
    expect(strategy.mismatched?.(1)).toBe(true);
  });

  it('lenient: a choice that does not exist is taken modulo the options', () => {
    const { strategy } = build({ name: 'replay', schedules: [[3]], strict: false });
    strategy.beginTrial(0, 0);
    expect(strategy.choose(decision([0, 1], 1))).toBe(1);
    expect(strategy.mismatched?.(0)).toBe(false);
  });
});
