/**
 * explore(): many trials of a scenario under a strategy, on warm CPU workers, with every
 * detector on. Trials run back to back inside the workers; findings stream to this thread as
 * they are made. A trial that hangs or kills its worker is reported and the run goes on with
 * the next trial. At the end each distinct finding is replayed once with call sites captured,
 * which gives its full report.
 */
import { Layout } from '../machine/layout.ts';
import { runBatchOnMachine } from '../machine/machine.ts';
import type { BatchTask, CloserPost, CloserResult } from './batch-task.ts';
import { encodeToken } from '../sched/token.ts';
import { loadScenario, scenarioBatch, ScenarioError } from './load-scenario.ts';
import { resolveOptions, type ExploreOptions } from './options.ts';
import { addCounts, findingFrom, interruptRows, mergeRacesByCallSite, stuckFinding, type ExploreResult, type Finding } from './result.ts';
import { replayTrials } from './replay.ts';
import { replayCommand } from '../report/index.ts';

export async function explore(path: string, opts: ExploreOptions = {}): Promise<ExploreResult> {
  const o = resolveOptions(opts);
  const loaded = await loadScenario(path);
  const { def } = loaded;
  const L = new Layout(def, o.limits);
  const tokenHead = { strategy: o.strategy, seed: o.seed, cpus: def.cpus };
  const found = new Map<string, Finding>();
  const counts = new Map<string, number>();
  const irq = L.lines.map(() => new Array<number>(L.ncpus).fill(0));
  let usage: string | undefined;
  const onFinding = (msg: CloserPost): void => {
    if (msg.type === 'usage') {
      usage ??= msg.message;
      return;
    }
    if (found.has(msg.finding.signature)) return;
    const f = findingFrom(msg);
    found.set(f.signature, f);
    o.onNewFinding?.(f);
  };
  const t0 = performance.now();
  const end = o.firstTrial + o.trials;
  const outOfTime = (): boolean => performance.now() - t0 >= o.timeBudgetMs;
  let next = o.firstTrial;
  let switches = 0;
  // the first batch always starts: a budget spent warming the CPUs up still runs one trial
  while (next < end && (next === o.firstTrial || !outOfTime())) {
    const first = next;
    const plan = { firstTrial: first, trials: end - first };
    const out = await runBatchOnMachine<BatchTask, CloserPost, CloserResult>({
      layout: L,
      plan,
      shouldStop: () => usage !== undefined || outOfTime(),
      task: (slot) => ({
        ...scenarioBatch(path, loaded, L),
        strategy: { name: o.strategy, seed: o.seed, depth: o.depth },
        tokenHead,
        plan,
        capture: false,
        detectors: o.detectors,
        keepEvents: false,
        ...slot,
      }),
      hangMs: o.hangMs,
      onFinding,
      onProgress: o.onProgress && ((done) => o.onProgress!(first + done - o.firstTrial, kindsOf(found))),
      signal: o.signal,
    });
    // a kernel call on the wrong object: no schedule makes the scenario right, so stop here
    if (usage !== undefined) throw new ScenarioError(usage);
    for (const [sig, n] of Object.entries(out.result?.counts ?? {})) counts.set(sig, (counts.get(sig) ?? 0) + n);
    addCounts(irq, out.result?.irqCounts);
    switches += out.result?.switches ?? 0;
    next = first + out.trialsDone;
    if (o.signal?.aborted) break;
    const stuck = out.hang ?? out.crash;
    if (!stuck || out.result?.finished) break;
    const token = encodeToken(tokenHead, [stuck.segment]);
    const f = stuckFinding(path, token, stuck.trial, out.hang ? { cpu: stuck.cpu, hangMs: o.hangMs } : { cpu: stuck.cpu, crash: out.crash!.message });
    if (!found.has(f.signature)) {
      found.set(f.signature, f);
      o.onNewFinding?.(f);
    }
    counts.set(f.signature, (counts.get(f.signature) ?? 0) + 1);
    next++;
  }
  const elapsedMs = performance.now() - t0;
  o.onProgress?.(next - o.firstTrial, kindsOf(found));
  const interrupted = o.signal?.aborted === true;
  const findings = [...found.values()];
  for (const f of findings) {
    f.count = Math.max(counts.get(f.signature) ?? 1, 1);
    if (f.report || !o.reports) continue;
    // interrupted: the user wants out now, and the token says how to get the full report
    if (interrupted) f.report = unreplayedReport(path, f, '(the run was interrupted before this finding was replayed for its report)');
    else await attachReport(path, f, o.hangMs, o.limits.maxEvents);
  }
  return {
    scenario: path,
    strategy: o.strategy,
    seed: o.seed,
    trials: next - o.firstTrial,
    ...(o.firstTrial ? { firstTrial: o.firstTrial } : {}),
    elapsedMs,
    findings: mergeRacesByCallSite(findings),
    interrupts: interruptRows(L, irq),
    switches,
    ...(interrupted ? { interrupted: true as const } : {}),
  };
}

/** Kinds found so far, for progress (counts are only final once reports merge races by site). */
function kindsOf(found: Map<string, Finding>): string[] {
  return [...new Set([...found.values()].map((f) => f.kind))];
}

/** Replay the finding's token with call sites on and take the report of the same bug. */
export async function attachReport(path: string, f: Finding, hangMs: number, maxEvents: number): Promise<void> {
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
  f.report = unreplayedReport(path, f, '(the replay did not reproduce this finding)');
}

function unreplayedReport(path: string, f: Finding, why: string): string {
  return `${f.title}\n${why}\n\nreplay: ${replayCommand(path, f.replay)}\n`;
}
