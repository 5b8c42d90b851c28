/**
 * One CPU of a stress batch: the same scenario binding and detectors as a controlled batch,
 * under the stress policy and its batch loop.
 */
import { Layout } from '../src/machine/layout.ts';
import { CLOSER } from '../src/machine/runtime.ts';
import { installRuntime } from '../src/machine/current.ts';
import { CpuRuntime } from '../src/machine/runtime.ts';
import { StressPolicy } from '../src/machine/stress-policy.ts';
import { runStressBatch } from '../src/machine/stress-loop.ts';
import type { BatchTask, CloserResult, StressTask } from '../src/run/batch-task.ts';
import type { ScenarioDef } from '../src/machine/declarations.ts';
import { bindState } from '../src/kernel/objects.ts';
import { Analyzer } from '../src/run/analyze.ts';

export function isStressTask(task: BatchTask): task is StressTask {
  return (task as Partial<StressTask>).stress !== undefined;
}

export function runStressCpu(task: StressTask, def: ScenarioDef): CloserResult | null {
  const L = new Layout(def, task.limits);
  const rt = new CpuRuntime(
    L,
    def,
    task.sab,
    task.cpu,
    (r: CpuRuntime<StressPolicy>) => new StressPolicy(r, task.stress.ctl, task.stress.seed),
  );
  rt.state = bindState(def, L, rt.cells);
  const analyzer = task.cpu === CLOSER ? new Analyzer(task, L, rt.strings) : undefined;
  installRuntime(rt);
  try {
    const summary = runStressBatch(rt, task.plan.firstTrial, task.stress.deadline, analyzer);
    if (!summary || !analyzer) return null;
    return analyzer.finish(summary);
  } finally {
    installRuntime(undefined);
  }
}
