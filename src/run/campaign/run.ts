/**
 * One `smpsim run` as a campaign: the trial range (all, a shard, or what a resumed campaign has
 * left), an optional time budget, and an optional campaign folder that records each finding
 * as it is made. Without a folder, shard or budget it is a plain explore().
 */
import { resolve } from 'node:path';
import { explore } from '../explore.ts';
import { attachReports } from '../attach-reports.ts';
import { resolveOptions, UsageError, type ExploreOptions } from '../options.ts';
import { mergeRacesByCallSite, type ExploreResult, type Finding } from '../result.ts';
import { parseShard, shardRange } from '../shard.ts';
import { CampaignDir, type CampaignSettings } from './out-dir.ts';
import { mergeFindings, type RunJson } from './merge.ts';
import { parseDuration } from './time-budget.ts';

/** Trials of a run bounded only by its time budget: as many as fit. */
const UNBOUNDED_TRIALS = 2 ** 31 - 1;

export interface CampaignRequest extends ExploreOptions {
  /** false when --trials was not given (a time budget alone then bounds the run) */
  trialsGiven: boolean;
  shard?: string;
  timeBudget?: string;
  out?: string;
  resume?: string;
}

export type CampaignResult = RunJson & Partial<Pick<ExploreResult, 'interrupts' | 'switches'>> & { shard?: string };

function settingsOf(path: string, req: CampaignRequest): CampaignSettings {
  const o = resolveOptions({ ...req, trials: req.trials ?? 1 });
  const total = req.trialsGiven || req.timeBudget === undefined ? o.trials : UNBOUNDED_TRIALS;
  const range = req.shard ? shardRange(total, parseShard(req.shard)) : { first: 0, end: total };
  return {
    scenario: path,
    strategy: o.strategy,
    seed: o.seed,
    depth: o.depth,
    hangMs: o.hangMs,
    first: range.first,
    end: total === UNBOUNDED_TRIALS && !req.shard ? null : range.end,
    ...(req.shard ? { shard: req.shard } : {}),
  };
}

/**
 * Findings read back from findings.jsonl were recorded as they were made: before their
 * reports, and before data races were merged by call site (which needs the sites the report's
 * replay captures). Give them both, as a finished run would have.
 */
export async function reportRecorded(
  path: string,
  recorded: Finding[],
  hangMs = resolveOptions().hangMs,
): Promise<Finding[]> {
  await attachReports(path, recorded, hangMs, resolveOptions().limits.maxEvents);
  return mergeFindings([mergeRacesByCallSite(recorded)]);
}

export async function runCampaign(path: string, req: CampaignRequest): Promise<CampaignResult> {
  if (req.out && req.resume)
    throw new UsageError('use --out to start a campaign or --resume to continue one, not both');
  const timeBudgetMs = req.timeBudget === undefined ? undefined : parseDuration(req.timeBudget);
  const dir = req.resume
    ? CampaignDir.resume(req.resume)
    : req.out
      ? CampaignDir.create(req.out, settingsOf(path, req))
      : undefined;
  const s = dir?.state ?? { ...settingsOf(path, req), next: settingsOf(path, req).first };
  if (req.resume && resolve(s.scenario) !== resolve(path))
    throw new UsageError(`${req.resume} is a campaign of ${s.scenario}, not of ${path}`);
  const first = dir?.state.next ?? s.first;
  const trials = s.end === null ? UNBOUNDED_TRIALS - first : s.end - first;
  let r: ExploreResult | undefined;
  if (trials > 0) {
    r = await explore(s.scenario, {
      ...req,
      // a campaign folder records the next trial to run: one machine keeps the trials done contiguous
      jobs: dir ? 1 : req.jobs,
      strategy: s.strategy,
      seed: s.seed,
      depth: s.depth,
      hangMs: s.hangMs,
      firstTrial: first,
      trials,
      timeBudgetMs,
      onNewFinding: (f) => {
        dir?.record(f);
        req.onNewFinding?.(f);
      },
      onProgress: (done, kinds) => {
        dir?.progress(first + done);
        req.onProgress?.(done, kinds);
      },
    });
  }
  const findings = mergeFindings([await reportRecorded(s.scenario, dir?.earlier ?? [], s.hangMs), r?.findings ?? []]);
  // trials run back to back from the campaign's first: the ones done are those before `next`
  const next = first + (r?.trials ?? 0);
  const result: CampaignResult = {
    scenario: s.scenario,
    strategy: s.strategy,
    ...(r?.memory ? { memory: r.memory } : {}),
    seed: s.seed,
    trials: next - s.first,
    ...(s.first ? { firstTrial: s.first } : {}),
    elapsedMs: (dir?.state.elapsedMsBefore ?? 0) + (r?.elapsedMs ?? 0),
    findings,
    ...(s.shard ? { shard: s.shard } : {}),
    // a shard's lockdep history, for `smpsim merge` to judge the shards as one run
    ...(s.shard && r?.lockdepHistory?.length ? { lockdepHistory: r.lockdepHistory } : {}),
    ...(r?.interrupted ? { interrupted: true as const } : {}),
    ...(r ? { interrupts: r.interrupts, switches: r.switches } : {}),
  };
  if (dir) {
    dir.state.elapsedMsBefore = result.elapsedMs;
    const { interrupts: _i, switches: _s, ...json } = result;
    dir.finish(next, json);
  }
  return result;
}
