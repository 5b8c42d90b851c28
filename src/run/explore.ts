/**
 * explore(): many trials of a scenario under a strategy, on warm CPU workers, with every
 * detector on, on one or more machines (--jobs) each running its own block of the trials.
 * Trials run back to back inside the workers; findings stream to this thread as
 * they are made. A trial that hangs or kills its worker is reported and the run goes on with
 * the next trial. At the end each distinct finding is replayed once with call sites captured,
 * which gives its full report.
 */
import { Layout } from '../machine/layout.ts';
import { runBatchOnMachine } from '../machine/machine.ts';
import type { BatchTask, CloserPost, CloserResult } from './batch-task.ts';
import { encodeToken, inHistoryOrder } from '../sched/token.ts';
import { LOAD_FAILURE, loadScenario, scenarioBatch, ScenarioError } from './load-scenario.ts';
import { UsageError, isSystematic, resolveOptions, type ExploreOptions, type ResolvedOptions } from './options.ts';
import { DPOR_MAX_OPTIONS, exhaustiveOf, maxOptions, type Exhaustive } from '../sched/dpor.ts';
import { defaultJobs, jobRanges } from './jobs.ts';
import { LOCKDEP_GRAPH_KINDS } from '../check/lockdep/index.ts';
import {
  addCounts,
  findingFrom,
  interruptRows,
  mergeRacesByCallSite,
  stuckFinding,
  type ExploreResult,
  type Finding,
} from './result.ts';
import { attachReports, unreplayedReport } from './attach-reports.ts';
import { lockdepAcrossBlocks } from './lockdep-across-blocks.ts';

export async function explore(path: string, opts: ExploreOptions = {}): Promise<ExploreResult> {
  const o = resolveOptions(opts);
  const loaded = await loadScenario(path);
  const L = new Layout(loaded.def, o.limits);
  const systematic = isSystematic(o.strategy);
  if (systematic && maxOptions(L.strategyShape) > DPOR_MAX_OPTIONS) {
    throw new UsageError(
      `--strategy ${o.strategy} handles up to ${DPOR_MAX_OPTIONS} options per decision; ${path} can have ${maxOptions(L.strategyShape)}`,
    );
  }
  const seen = new Set<string>();
  const kinds = new Set<string>();
  const announce = (f: Finding): void => {
    if (seen.has(f.signature)) return;
    seen.add(f.signature);
    kinds.add(f.kind);
    o.onNewFinding?.(f);
  };
  // a time budget stops wherever it is: one machine keeps the trials run one contiguous block
  // so does a systematic search: its tree lives in one machine's buffer
  const jobs = o.timeBudgetMs < Infinity || systematic ? 1 : (o.jobs ?? defaultJobs(o.trials, L.nagents));
  const ranges = jobRanges(o.firstTrial, o.firstTrial + o.trials, jobs);
  const done = ranges.map(() => 0);
  const onProgress =
    o.onProgress &&
    ((job: number, n: number) => {
      done[job] = n;
      o.onProgress!(
        done.reduce((a, b) => a + b, 0),
        [...kinds],
      );
    });
  const t0 = performance.now();
  const parts = await Promise.all(
    ranges.map((r, job) =>
      exploreRange(path, loaded, L, o, { ...r, machine: job }, announce, onProgress && ((n) => onProgress(job, n))),
    ),
  );
  const elapsedMs = performance.now() - t0;
  const trials = parts.reduce((n, p) => n + p.trials, 0);
  o.onProgress?.(trials, [...kinds]);
  const interrupted = o.signal?.aborted === true;
  const findings = inTrialOrder(parts.map((p) => p.findings));
  const lockdepHistory = inHistoryOrder(parts.flatMap((p) => p.history));
  // machines run apart: what their lockdep graphs together would have seen
  if (parts.length > 1 && o.detectors && !interrupted) {
    const across = { scenario: path, strategy: o.strategy, seed: o.seed, findings, lockdepHistory };
    const more = await lockdepAcrossBlocks(across);
    // in trial order, as one machine would have found them (a stable sort keeps each trial's order)
    if (more.length)
      findings.splice(0, findings.length, ...[...findings, ...more].sort((a, b) => a.firstTrial - b.firstTrial));
  }
  if (o.reports && interrupted) {
    // the user wants out now, and the token says how to get the full report
    for (const f of findings) {
      if (!f.report)
        f.report = unreplayedReport(
          path,
          f,
          '(the run was interrupted before this finding was replayed for its report)',
        );
    }
  } else if (o.reports) await attachReports(path, findings, o.hangMs, o.limits.maxEvents);
  const irq = L.lines.map(() => new Array<number>(L.ncpus).fill(0));
  for (const p of parts) addCounts(irq, p.irq);
  return {
    scenario: path,
    strategy: o.strategy,
    memory: L.memory.model,
    seed: o.seed,
    trials,
    ...(o.firstTrial ? { firstTrial: o.firstTrial } : {}),
    elapsedMs,
    findings: mergeRacesByCallSite(findings),
    interrupts: interruptRows(L, irq),
    switches: parts.reduce((n, p) => n + p.switches, 0),
    ...(interrupted ? { interrupted: true as const } : {}),
    ...(parts[0]?.exhaustive
      ? { exhaustive: interrupted ? { ...parts[0].exhaustive, complete: false, stopped: true } : parts[0].exhaustive }
      : {}),
    lockdepHistory,
  };
}

/** What one machine made of its block of trials. */
interface RangeResult {
  findings: Finding[];
  trials: number;
  irq: number[][];
  switches: number;
  /** a systematic search: what it explored */
  exhaustive?: Exhaustive;
  /** the segments of the trials lockdep learned from (see Detector.history) */
  history: string[];
}

/** A bundle that keeps going away under the workers is reported after this many tries in a row. */
const MAX_RELOADS = 3;

/**
 * Trials [first, end) on one machine, batch after batch: a trial that hangs or kills its
 * worker is reported and the next batch starts after it.
 */
async function exploreRange(
  path: string,
  loaded: Awaited<ReturnType<typeof loadScenario>>,
  L: Layout,
  o: ResolvedOptions,
  range: { first: number; end: number; machine: number },
  announce: (f: Finding) => void,
  onProgress: ((trialsDone: number) => void) | undefined,
): Promise<RangeResult> {
  // a memory model chosen over the scenario's goes into the token, so that it replays
  const tokenHead = {
    strategy: o.strategy,
    seed: o.seed,
    cpus: loaded.def.cpus,
    ...(o.limits.memory ? { memory: o.limits.memory } : {}),
  };
  const found = new Map<string, Finding>();
  const counts = new Map<string, number>();
  const irq = L.lines.map(() => new Array<number>(L.ncpus).fill(0));
  let usage: string | undefined;
  const keep = (f: Finding): void => {
    if (found.has(f.signature)) return;
    found.set(f.signature, f);
    announce(f);
  };
  const t0 = performance.now();
  const outOfTime = (): boolean => performance.now() - t0 >= o.timeBudgetMs;
  const { end } = range;
  let next = range.first;
  let switches = 0;
  const history: string[] = [];
  let exhaustive: Exhaustive | undefined;
  /** batches in a row whose workers could not import the scenario */
  let reloads = 0;
  // the first batch always starts: a budget spent warming the CPUs up still runs one trial
  while (next < end && (next === range.first || !outOfTime())) {
    const first = next;
    const plan = { firstTrial: first, trials: end - first };
    const out = await runBatchOnMachine<BatchTask, CloserPost, CloserResult>({
      layout: L,
      plan,
      machine: range.machine,
      shouldStop: () => usage !== undefined || outOfTime(),
      task: (slot) => ({
        ...scenarioBatch(path, loaded, L),
        strategy: {
          name: o.strategy,
          seed: o.seed,
          depth: o.depth,
          preemptionBound: o.preemptionBound,
          iterate: o.iterate,
        },
        tokenHead,
        plan,
        capture: false,
        detectors: o.detectors,
        keepEvents: false,
        ...slot,
      }),
      hangMs: o.hangMs,
      onFinding: (msg) => {
        if (msg.type === 'usage') usage ??= msg.message;
        else if (!found.has(msg.finding.signature)) keep(findingFrom(msg));
      },
      onProgress: onProgress && ((n) => onProgress(first + n - range.first)),
      signal: o.signal,
      keepsMemory: isSystematic(o.strategy),
    });
    // a kernel call on the wrong object: no schedule makes the scenario right, so stop here
    if (usage !== undefined) throw new ScenarioError(usage);
    for (const [sig, n] of Object.entries(out.result?.counts ?? {})) counts.set(sig, (counts.get(sig) ?? 0) + n);
    addCounts(irq, out.result?.irqCounts);
    switches += out.result?.switches ?? 0;
    history.push(...(out.result?.history ?? []));
    next = first + out.trialsDone;
    if (isSystematic(o.strategy) && out.memory) exhaustive = exhaustiveOf(L.strategyState(out.memory));
    if (o.signal?.aborted) break;
    const stuck = out.hang ?? out.crash;
    if (!stuck || out.result?.finished) break;
    // workers that could not import the bundle this process loaded: it went away under them
    // (another process pruned the cache); the next batch writes it again and reruns the trial
    if (out.crash?.message.startsWith(LOAD_FAILURE) && reloads < MAX_RELOADS) {
      reloads = out.trialsDone > 0 ? 1 : reloads + 1;
      continue;
    }
    const token = encodeToken(tokenHead, [stuck.segment]);
    const { cpu, last } = stuck;
    const f = stuckFinding(
      path,
      token,
      stuck.trial,
      out.hang ? { cpu, hangMs: o.hangMs, last } : { cpu, crash: out.crash!.message, last },
    );
    // its last call site is known only in a replay: the report is taken from one, as for others
    if (o.reports && last?.fn && !last.site) f.report = '';
    keep(f);
    counts.set(f.signature, (counts.get(f.signature) ?? 0) + 1);
    next++;
    // the exploration tree lived in that batch's buffer: a stuck execution ends the search
    if (exhaustive) {
      exhaustive = { ...exhaustive, complete: false, stopped: true };
      break;
    }
  }
  const findings = [...found.values()];
  for (const f of findings) f.count = Math.max(counts.get(f.signature) ?? 1, 1);
  return { findings, trials: next - range.first, irq, switches, history, ...(exhaustive ? { exhaustive } : {}) };
}

const GRAPH_KINDS = new Set<string>(LOCKDEP_GRAPH_KINDS);

/**
 * The machines' findings as one machine would have made them: blocks are in trial order, so
 * the first of each signature is its earliest (its token is the one `--jobs 1` gives), and a
 * signature's count is the sum over blocks, except where each machine's lockdep graph made
 * it once as one graph would have.
 */
function inTrialOrder(blocks: Finding[][]): Finding[] {
  const by = new Map<string, Finding>();
  for (const f of blocks.flat()) {
    const have = by.get(f.signature);
    if (!have) by.set(f.signature, f);
    else if (GRAPH_KINDS.has(f.kind)) have.count = Math.max(have.count, f.count);
    else have.count += f.count;
  }
  return [...by.values()];
}
