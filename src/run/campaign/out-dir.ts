/**
 * A campaign folder (`--out DIR`): what a long run has found survives the run.
 *
 *   findings.jsonl   one line per new finding, appended and fsync'd the moment it is made
 *   campaign.json    the run's settings and the next trial to run (rewritten as trials finish)
 *   summary.json     the whole result, as `--json` prints it, once the run ends
 *
 * `--resume DIR` reads campaign.json and findings.jsonl and carries on from the next trial.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../options.ts';
import type { Finding } from '../result.ts';
import type { RunJson } from './merge.ts';

export const FINDINGS_FILE = 'findings.jsonl';
export const CAMPAIGN_FILE = 'campaign.json';
export const SUMMARY_FILE = 'summary.json';

/** What a resumed run must repeat exactly for its trials to be the ones the first run would have run. */
export interface CampaignSettings {
  scenario: string;
  strategy: string;
  seed: number;
  depth: number;
  hangMs: number;
  /** trial numbers first … end-1 (end is null when only a time budget bounds the run) */
  first: number;
  end: number | null;
  shard?: string;
}

interface CampaignState extends CampaignSettings {
  next: number;
  /** time spent by the runs before this one (a resumed campaign) */
  elapsedMsBefore: number;
}

const PROGRESS_EVERY_MS = 500;

function writeAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}

export class CampaignDir {
  private readonly fd: number;
  private readonly known = new Set<string>();
  private lastProgress = 0;

  private constructor(
    readonly dir: string,
    readonly state: CampaignState,
    /** findings made by the earlier runs of this campaign */
    readonly earlier: Finding[],
  ) {
    for (const f of earlier) this.known.add(f.signature);
    this.fd = openSync(join(dir, FINDINGS_FILE), 'a');
    this.saveState();
  }

  static create(dir: string, settings: CampaignSettings): CampaignDir {
    if (existsSync(join(dir, CAMPAIGN_FILE)))
      throw new UsageError(
        `${dir} already holds a campaign: continue it with --resume ${dir}, or choose another --out`,
      );
    mkdirSync(dir, { recursive: true });
    return new CampaignDir(dir, { ...settings, next: settings.first, elapsedMsBefore: 0 }, []);
  }

  static resume(dir: string): CampaignDir {
    let state: CampaignState;
    try {
      state = JSON.parse(readFileSync(join(dir, CAMPAIGN_FILE), 'utf8')) as CampaignState;
    } catch {
      throw new UsageError(`cannot resume ${dir}: no ${CAMPAIGN_FILE} there (start a campaign with --out ${dir})`);
    }
    return new CampaignDir(dir, state, readFindings(dir));
  }

  get remaining(): number | null {
    return this.state.end === null ? null : Math.max(0, this.state.end - this.state.next);
  }

  /** A new finding: on disk before this returns, unless an earlier run already recorded it. */
  record(f: Finding): void {
    if (this.known.has(f.signature)) return;
    this.known.add(f.signature);
    writeSync(this.fd, `${JSON.stringify(f)}\n`);
    fsyncSync(this.fd);
  }

  /** Trials before `next` are done (a resumed run starts there). */
  progress(next: number, force = false): void {
    this.state.next = next;
    const now = Date.now();
    if (!force && now - this.lastProgress < PROGRESS_EVERY_MS) return;
    this.lastProgress = now;
    this.saveState();
  }

  /** The run is over: the last progress and the whole result, merged with the earlier runs'. */
  finish(next: number, summary: RunJson): void {
    this.progress(next, true);
    writeAtomic(join(this.dir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    closeSync(this.fd);
  }

  private saveState(): void {
    writeAtomic(join(this.dir, CAMPAIGN_FILE), `${JSON.stringify(this.state, null, 2)}\n`);
  }
}

/** The findings a campaign folder holds, line by line (a line cut short by a kill is skipped). */
export function readFindings(dir: string): Finding[] {
  const file = join(dir, FINDINGS_FILE);
  if (!existsSync(file)) return [];
  const out: Finding[] = [];
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as Finding);
    } catch {
      // the last line of a killed run may be cut short: what it held is lost, the rest is not
    }
  }
  return out;
}
