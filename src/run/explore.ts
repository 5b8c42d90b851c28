/**
 * explore(): many trials of a scenario under a strategy, on warm CPU workers, with every
 * detector on. Trials run back to back inside the workers; findings stream to this thread as
 * they are made. A trial that hangs or kills its worker is reported and the run goes on with
 * the next trial. At the end each distinct finding is replayed once with call sites captured,
 * which gives its full report.
 */
import { Layout } from '../machine/layout.ts';
import { runBatchOnMachine } from '../machine/machine.ts';
import type { BatchTask, CloserResult, FindingMessage } from './batch-task.ts';
import { encodeToken } from '../sched/token.ts';
import { loadScenario, scenarioBatch } from './load-scenario.ts';
import { UsageError, resolveOptions, type ExploreOptions } from './options.ts';
import { addCounts, findingFrom, interruptRows, mergeRacesByCallSite, stuckFinding, type ExploreResult, type Finding } from './result.ts';
import { replayTrials } from './replay.ts';
import { DPOR_MAX_OPTIONS, exhaustiveOf, maxOptions, type Exhaustive } from '../sched/dpor.ts';

export async function explore(path: string, opts: ExploreOptions = {}): Promise<ExploreResult> {
  const o = resolveOptions(opts);
  const loaded = await loadScenario(path);
  const { def } = loaded;
  const L = new Layout(def, o.limits);
  if ((o.strategy === 'dpor' || o.strategy === 'dfs') && maxOptions(L.strategyShape) > DPOR_MAX_OPTIONS) {
    throw new UsageError(`--strategy dpor handles up to ${DPOR_MAX_OPTIONS} options per decision; ${path} can have ${maxOptions(L.strategyShape)}`);
  }
  const tokenHead = { strategy: o.strategy, seed: o.seed, cpus: def.cpus };
  const found = new Map<string, Finding>();
  const counts = new Map<string, number>();
  const irq = L.lines.map(() => new Array<number>(L.ncpus).fill(0));
  const onFinding = (msg: FindingMessage): void => {
    if (!found.has(msg.finding.signature)) found.set(msg.finding.signature, findingFrom(msg));
  };
  const t0 = Date.now();
  let next = 0;
  let switches = 0;
  let exhaustive: Exhaustive | undefined;
  while (next < o.trials) {
    const first = next;
    const plan = { firstTrial: first, trials: o.trials - first };
    const out = await runBatchOnMachine<BatchTask, FindingMessage, CloserResult>({
      layout: L,
      plan,
      task: (slot) => ({
        ...scenarioBatch(path, loaded, L),
        strategy: { name: o.strategy, seed: o.seed, depth: o.depth, preemptionBound: o.preemptionBound, iterate: o.iterate },
        tokenHead,
        plan,
        capture: false,
        detectors: o.detectors,
        keepEvents: false,
        ...slot,
      }),
      hangMs: o.hangMs,
      deadline: o.timeBudgetMs === undefined ? undefined : t0 + o.timeBudgetMs,
      onFinding,
      onProgress: o.onProgress && ((done) => o.onProgress!(first + done, kindsOf(found))),
    });
    for (const [sig, n] of Object.entries(out.result?.counts ?? {})) counts.set(sig, (counts.get(sig) ?? 0) + n);
    addCounts(irq, out.result?.irqCounts);
    switches += out.result?.switches ?? 0;
    next = first + out.trialsDone;
    if ((o.strategy === 'dpor' || o.strategy === 'dfs') && out.memory) exhaustive = exhaustiveOf(L.strategyState(out.memory));
    const stuck = out.hang ?? out.crash;
    if (!stuck || out.result?.finished) break;
    const token = encodeToken(tokenHead, [stuck.segment]);
    const f = stuckFinding(path, token, stuck.trial, out.hang ? { cpu: stuck.cpu, hangMs: o.hangMs } : { cpu: stuck.cpu, crash: out.crash!.message });
    if (!found.has(f.signature)) found.set(f.signature, f);
    counts.set(f.signature, (counts.get(f.signature) ?? 0) + 1);
    next++;
    // the exploration tree lived in that batch's buffer: a stuck execution ends the search
    if (exhaustive) {
      exhaustive = { ...exhaustive, complete: false, stopped: true };
      break;
    }
  }
  const elapsedMs = Date.now() - t0;
  o.onProgress?.(next, kindsOf(found));
  const findings = [...found.values()];
  for (const f of findings) {
    f.count = Math.max(counts.get(f.signature) ?? 1, 1);
    if (f.report || !o.reports) continue;
    await attachReport(path, f, o.hangMs, o.limits.maxEvents);
  }
  return { scenario: path, strategy: o.strategy, seed: o.seed, trials: next, elapsedMs, findings: mergeRacesByCallSite(findings), interrupts: interruptRows(L, irq), switches, ...(exhaustive && { exhaustive }) };
}

/** Kinds found so far, for progress (counts are only final once reports merge races by site). */
function kindsOf(found: Map<string, Finding>): string[] {
  return [...new Set([...found.values()].map((f) => f.kind))];
}

/** Replay the finding's token with call sites on and take the report of the same bug. */
async function attachReport(path: string, f: Finding, hangMs: number, maxEvents: number): Promise<void> {
  try {
    // unmerged: the finding is looked up by the signature its detector gave it
    const r = await replayTrials(path, f.replay, { hangMs, maxEvents });
    const same = r.findings.find((x) => x.signature === f.signature);
    if (same) {
      f.report = same.report;
      f.sites = same.sites;
      f.title = same.title;
      return;
    }
  } catch {
    // fall through: the title and token still tell the user what and where
  }
  f.report = `${f.title}\n(the replay did not reproduce this finding)\n\nreplay: smpsim replay ${path} ${f.replay}\n`;
}
