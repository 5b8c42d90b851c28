/**
 * Reports for a run's findings. A finding is found without call sites (capturing them costs
 * a stack trace per kernel call), so its report comes from replaying its trial with call
 * sites on and taking the report of the same bug.
 *
 * A racy loop makes one data race per pair of iterations (a dozen or more for three
 * increments), merged by call site only once the reports have the sites. Findings that depend
 * on their own trial alone (all but lockdep's, whose graph spans trials) are replayed
 * together, in one batch of their trials in trial order: each signature is met first in its
 * own first trial there, as in the run. The others are replayed one by one, each from its own
 * token.
 */
import type { Finding } from './result.ts';
import { replayTrials } from './replay.ts';
import { replayCommand } from '../report/index.ts';
import { decodeToken, encodeToken, inHistoryOrder, tokenSegments } from '../sched/token.ts';
import { TRIAL_LOCAL_KINDS } from './detectors.ts';

/** Give every finding without a report its report (and call sites, and title). */
export async function attachReports(
  path: string,
  findings: Finding[],
  hangMs: number,
  maxEvents: number,
): Promise<void> {
  const pending = findings.filter((f) => !f.report);
  const together = pending.filter((f) => TRIAL_LOCAL_KINDS.has(f.kind) && tokenSegments(f.replay).length === 1);
  if (together.length > 1) await replayTogether(path, together, hangMs, maxEvents);
  for (const f of pending) if (!f.report) await attachReport(path, f, hangMs, maxEvents);
}

/** Replay the finding's token with call sites on and take the report of the same bug. */
export async function attachReport(path: string, f: Finding, hangMs: number, maxEvents: number): Promise<void> {
  try {
    // unmerged: the finding is looked up by the signature its detector gave it
    const r = await replayTrials(path, f.replay, { hangMs, maxEvents });
    if (take(f, r.findings)) return;
  } catch {
    // fall through: the title and token still tell the user what and where
  }
  f.report = unreplayedReport(path, f, '(the replay did not reproduce this finding)');
}

/** A report that says why there is no replayed one, with the token to get it. */
export function unreplayedReport(path: string, f: Finding, why: string): string {
  return `${f.title}\n${why}\n\nreplay: ${replayCommand(path, f.replay)}\n`;
}

/** One replay of all the findings' trials; a finding it misses is left for its own replay. */
async function replayTogether(path: string, group: Finding[], hangMs: number, maxEvents: number): Promise<void> {
  try {
    const head = decodeToken(group[0]!.replay);
    const segments = inHistoryOrder(group.map((f) => tokenSegments(f.replay)[0]!));
    const r = await replayTrials(path, encodeToken(head, segments), { hangMs, maxEvents });
    for (const f of group) take(f, r.findings);
  } catch {
    // each is replayed on its own instead
  }
}

function take(f: Finding, replayed: Finding[]): boolean {
  const same = replayed.find((x) => x.signature === f.signature);
  if (!same?.report) return false;
  f.report = same.report;
  f.sites = same.sites;
  f.title = same.title;
  return true;
}
