/** How a run's result is printed: shared by `run` and `merge`, which print the same shapes. */
import type { RunJson } from '../run/campaign/merge.ts';
import { findingsSummary } from './summary.ts';
import { exhaustiveSummary } from '../report/exhaustive.ts';

export function summary(r: RunJson): string {
  // the memory model is named when it is not the default, sequentially consistent one
  const memory = r.memory && r.memory !== 'sc' ? `, memory ${r.memory}` : '';
  if (r.exhaustive)
    return `smpsim: ${r.scenario}: ${exhaustiveSummary(r.exhaustive)} (${r.strategy}${memory})${r.interrupted ? ', interrupted' : ''}: ${findingsSummary(r.findings)}`;
  return `smpsim: ${r.scenario}: ${r.trials} trials (${r.strategy}, seed ${r.seed}${memory})${r.interrupted ? ', interrupted' : ''}: ${findingsSummary(r.findings)}`;
}

/** A run's result as `--json` or as reports and a summary line (run and merge print alike); returns the number of findings. */
export function printRun(r: RunJson, json: boolean, out: (s: string) => void): number {
  if (json) {
    const { interrupts: _i, switches: _s, ...rest } = r as RunJson & { interrupts?: unknown; switches?: unknown };
    out(JSON.stringify({ ...rest, elapsedMs: Math.round(r.elapsedMs) }, null, 2));
  } else {
    for (const f of r.findings) out(f.report);
    out(summary(r));
  }
  return r.findings.length;
}
