/** How a run's result is printed: shared by `run` and `merge`, which print the same shapes. */
import type { RunJson } from '../run/campaign/merge.ts';

export function summary(r: RunJson): string {
  const n = r.findings.length;
  const kinds = [...new Set(r.findings.map((f) => f.kind))].join(', ');
  return `smpsim: ${r.scenario}: ${r.trials} trials (${r.strategy}, seed ${r.seed}): ${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${kinds})`}`;
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

