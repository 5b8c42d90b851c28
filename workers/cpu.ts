/**
 * One CPU of the simulated machine for one batch of trials: import the scenario (cached across
 * batches, so a warm worker starts a batch in microseconds), bind its state to the shared
 * buffer, and run the batch loop. CPU 0 also closes trials: it runs the detectors.
 */
import { Layout } from '../src/machine/layout.ts';
import { CLOSER, CpuRuntime } from '../src/machine/runtime.ts';
import { ControlledPolicy } from '../src/machine/controlled-policy.ts';
import { installRuntime } from '../src/machine/current.ts';
import { HandoffSpin, markReady } from '../src/machine/baton.ts';
import { availableParallelism } from 'node:os';
import { runBatch } from '../src/machine/trial-loop.ts';
import { compileToBaselineAtOnce } from '../src/machine/cpu-thread-flags.ts';
import { markLoaded } from '../src/machine/worker-loads.ts';
import type { BatchTask, CloserResult } from '../src/run/batch-task.ts';
import type { ScenarioDef } from '../src/machine/declarations.ts';
import { makeStrategy } from '../src/sched/strategies.ts';
import { bindState } from '../src/kernel/objects.ts';
import { importScenario } from '../src/run/load-scenario.ts';
import { Analyzer } from '../src/run/analyze.ts';
import { isStressTask, runStressCpu } from './stress.ts';

const scenarios = new Map<string, Promise<ScenarioDef>>();
const failedImports = new Map<string, number>();
/** Whether spinning pays is learnt over this thread's life, not again at every batch. */
let spin: HandoffSpin | undefined;

export async function runCpuBatch(task: BatchTask): Promise<CloserResult | null> {
  compileToBaselineAtOnce(task.plan.trials);
  let loading = scenarios.get(task.scenarioUrl);
  if (!loading) {
    // the module loader remembers a failed import by URL: a retry asks under another one
    const tries = failedImports.get(task.scenarioUrl) ?? 0;
    const url = tries ? `${task.scenarioUrl}?retry=${tries}` : task.scenarioUrl;
    loading = importScenario(url, task.scenarioViaTsx, task.displayPath);
    scenarios.set(task.scenarioUrl, loading);
    // a failed import (its bundle pruned meanwhile) is tried again by the next batch
    loading.catch(() => {
      scenarios.delete(task.scenarioUrl);
      failedImports.set(task.scenarioUrl, tries + 1);
    });
  }
  const def = await loading;
  if (isStressTask(task)) return runStressCpu(task, def);
  const L = new Layout(def, task.limits);
  const m = new Int32Array(task.sab, 0, L.totalWords);
  const strategy = makeStrategy(task.strategy, L.strategyState(m), L.strategyShape);
  const rt = new CpuRuntime(
    L,
    def,
    task.sab,
    task.cpu,
    (r: CpuRuntime<ControlledPolicy>) => new ControlledPolicy(r, strategy),
  );
  rt.capture = task.capture;
  spin ??= new HandoffSpin(task.hostLoad, availableParallelism());
  rt.spin = spin;
  rt.state = bindState(def, L, rt.cells);
  const analyzer = task.cpu === CLOSER ? new Analyzer(task, L, rt.strings) : undefined;
  installRuntime(rt);
  markReady(m, L, task.cpu);
  try {
    const summary = runBatch(rt, task.plan, analyzer);
    if (!summary || !analyzer) return null;
    return analyzer.finish(summary);
  } finally {
    installRuntime(undefined);
  }
}

// this thread's modules are loaded once this evaluation and the require() around it end (worker-loads.ts)
markLoaded();

// piscina calls a worker file's default export
export default runCpuBatch;
// a bundled scenario imports smpsim from here: one copy of the kernel API per thread (worker-entry.ts)
export * from '../src/kernel/index.ts';
