/**
 * `smpsim merge <json|dir>...`: runs of one scenario (shards of a CI matrix, campaign folders,
 * earlier merges) merged by finding signature, printed as `run` prints: reports and a summary
 * line, `--json`, or `--sarif FILE`.
 */
import type { Command } from 'commander';
import { addFlags } from './flags.ts';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { mergeFindings, mergeRuns, type RunJson } from '../run/campaign/merge.ts';
import { lockdepAcrossBlocks } from '../run/lockdep-across-blocks.ts';
import { readFindings, SUMMARY_FILE, CAMPAIGN_FILE } from '../run/campaign/out-dir.ts';
import { UsageError } from '../run/options.ts';
import { reportRecorded } from '../run/campaign/run.ts';
import { writeSarif } from '../run/sarif-output.ts';
import { printRun } from './print-run.ts';

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
  }
}

function asRun(v: unknown, from: string): RunJson {
  const r = v as Partial<RunJson>;
  if (
    !r ||
    typeof r !== 'object' ||
    typeof r.scenario !== 'string' ||
    !Array.isArray(r.findings) ||
    typeof r.trials !== 'number'
  ) {
    throw new UsageError(
      `${from} is not the JSON of smpsim run --json, a campaign's summary.json or smpsim merge --json`,
    );
  }
  return { strategy: 'random', seed: 1, elapsedMs: 0, ...r } as RunJson;
}

/** A run from a JSON file, or from a campaign folder (its summary, or what a killed run left). */
export function loadRun(path: string): RunJson {
  if (!existsSync(path)) throw new UsageError(`cannot open ${path}: no such file or folder`);
  if (!statSync(path).isDirectory()) return asRun(readJson(path), path);
  const summary = join(path, SUMMARY_FILE);
  if (existsSync(summary)) return asRun(readJson(summary), summary);
  // a campaign that was killed: the findings it made and the trials it completed
  const state = readJson(join(path, CAMPAIGN_FILE)) as {
    scenario: string;
    strategy: string;
    seed: number;
    first: number;
    next: number;
    elapsedMsBefore?: number;
  };
  return {
    scenario: state.scenario,
    strategy: state.strategy,
    seed: state.seed,
    trials: state.next - state.first,
    ...(state.first ? { firstTrial: state.first } : {}),
    elapsedMs: state.elapsedMsBefore ?? 0,
    findings: readFindings(path),
  };
}

export function registerMerge(program: Command, out: (s: string) => void, done: (findings: number) => void): void {
  addFlags(
    program
      .command('merge')
      .description('merge runs of one scenario (--json outputs, campaign folders) by finding signature')
      .argument('<runs...>', 'JSON files of smpsim run --json, or campaign folders (--out)'),
    'merge',
  ).action(async (paths: string[], o: { json?: boolean; sarif?: string }) => {
    const r = mergeRuns(paths.map(loadRun));
    // a killed campaign's findings were recorded before their reports were made
    if (r.findings.some((f) => !f.report)) r.findings = await reportRecorded(r.scenario, r.findings);
    // what no shard's lockdep could see alone
    if (paths.length > 1) r.findings = mergeFindings([r.findings, await lockdepAcrossBlocks(r)]);
    if (o.sarif)
      await writeSarif(o.sarif, [
        {
          scenario: r.scenario,
          findings: r.findings,
          properties: { strategy: r.strategy, seed: r.seed, trials: r.trials },
        },
      ]);
    done(printRun(r, !!o.json, out));
  });
}
