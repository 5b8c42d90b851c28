/**
 * Runs of one scenario merged by finding signature: counts summed, the earliest token kept
 * (the lowest first trial, so shards merged give the unsharded run's tokens), trials summed.
 * Merging is associative and a merged run merges back to itself, so a merge job can take any
 * mix of shard outputs and earlier merges.
 */
import { UsageError } from '../options.ts';
import type { ExploreResult, Finding } from '../result.ts';
import { inHistoryOrder } from '../../sched/token.ts';

/** The JSON of `smpsim run --json`, of `summary.json`, and of `smpsim merge --json`. */
export type RunJson = Omit<ExploreResult, 'interrupts' | 'switches'>;

function earlier(a: Finding, b: Finding): boolean {
  return a.firstTrial < b.firstTrial || (a.firstTrial === b.firstTrial && a.replay < b.replay);
}

export function mergeFindings(lists: Finding[][]): Finding[] {
  const by = new Map<string, Finding>();
  for (const f of lists.flat()) {
    const have = by.get(f.signature);
    if (!have) {
      by.set(f.signature, { ...f });
      continue;
    }
    const count = have.count + f.count;
    const keep = earlier(f, have) ? { ...f } : have;
    if (!keep.report)
      keep.report = (keep === have ? f : have).replay === keep.replay ? (keep === have ? f : have).report : '';
    keep.count = count;
    by.set(f.signature, keep);
  }
  return [...by.values()].sort(
    (a, b) => a.firstTrial - b.firstTrial || (a.signature < b.signature ? -1 : a.signature > b.signature ? 1 : 0),
  );
}

export function mergeRuns(runs: RunJson[]): RunJson {
  const [head] = runs;
  if (!head) throw new UsageError('nothing to merge');
  for (const r of runs) {
    if (r.scenario !== head.scenario)
      throw new UsageError(`cannot merge runs of different scenarios: ${head.scenario} and ${r.scenario}`);
    if (r.strategy !== head.strategy || r.seed !== head.seed) {
      throw new UsageError(
        `cannot merge runs of ${head.scenario} made with different strategies or seeds (${head.strategy} seed ${head.seed}, ${r.strategy} seed ${r.seed})`,
      );
    }
  }
  const history = inHistoryOrder(runs.flatMap((r) => r.lockdepHistory ?? []));
  const firsts = runs.map((r) => r.firstTrial ?? 0);
  const first = Math.min(...firsts);
  return {
    scenario: head.scenario,
    strategy: head.strategy,
    seed: head.seed,
    trials: runs.reduce((n, r) => n + r.trials, 0),
    ...(first ? { firstTrial: first } : {}),
    elapsedMs: runs.reduce((n, r) => n + r.elapsedMs, 0),
    findings: mergeFindings(runs.map((r) => r.findings)),
    ...(history.length ? { lockdepHistory: history } : {}),
  };
}
