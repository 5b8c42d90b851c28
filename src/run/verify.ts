/**
 * verifyScenario(): the systematic claim, for code. DPOR explores one execution per class of
 * equivalent interleavings; when it finishes within the budget, `complete` is true and the
 * findings are every bug any interleaving has (under the bound, when one is given).
 */
import type { Exhaustive } from '../sched/dpor.ts';
import { explore } from './explore.ts';
import type { Finding } from './result.ts';

/** The budget a space must complete within to be called verified. */
export const VERIFY_BUDGET = { executions: 100_000, ms: 60_000 } as const;

export interface VerifyOptions {
  /** CHESS's preemption bound (default: none) */
  preemptionBound?: number;
  /** search with bounds 0, 1 … preemptionBound in turn */
  iterate?: boolean;
  /** default 100,000 */
  maxExecutions?: number;
  /** default 60,000 */
  timeBudgetMs?: number;
  hangMs?: number;
  /** render each finding's report by replaying it (default true) */
  reports?: boolean;
}

export interface VerifyResult {
  /** every execution (within the bound, when one was given) was explored */
  complete: boolean;
  executions: number;
  findings: Finding[];
  exhaustive: Exhaustive;
  elapsedMs: number;
}

export async function verifyScenario(path: string, opts: VerifyOptions = {}): Promise<VerifyResult> {
  const r = await explore(path, {
    strategy: 'dpor',
    preemptionBound: opts.preemptionBound,
    iterate: opts.iterate,
    maxExecutions: opts.maxExecutions ?? VERIFY_BUDGET.executions,
    timeBudgetMs: opts.timeBudgetMs ?? VERIFY_BUDGET.ms,
    hangMs: opts.hangMs,
    reports: opts.reports,
  });
  const exhaustive = r.exhaustive!;
  return {
    complete: exhaustive.complete,
    executions: exhaustive.executions,
    findings: r.findings,
    exhaustive,
    elapsedMs: r.elapsedMs,
  };
}

/** The claim a clean run makes: "verified: all N executions" or "sampled: N trials". */
export function claim(v: { complete: boolean; executions: number } | { trials: number }): string {
  if ('complete' in v && v.complete)
    return `verified: all ${v.executions.toLocaleString('en-US')} execution${v.executions === 1 ? '' : 's'}`;
  const n = 'trials' in v ? v.trials : v.executions;
  return `sampled: ${n.toLocaleString('en-US')} trials`;
}
