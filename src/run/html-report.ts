/**
 * `--html FILE`: replay findings with call sites captured and draw the trial that made each as
 * a timeline page. `replay` draws its token's last trial (the one the findings come from; a
 * lockdep token's earlier trials only teach the dependency graph); `run` draws, for the first
 * finding of each kind, the replay of that finding's token.
 */
import { writeFileSync } from 'node:fs';
import { htmlPage, htmlView, type HtmlView } from '../report/html/page.ts';
import { replay, type ReplayResult } from './replay.ts';
import type { Finding } from './result.ts';
import { UsageError } from './options.ts';

function writePage(file: string, text: string): void {
  try {
    writeFileSync(file, text);
  } catch (e) {
    throw new UsageError(`cannot write ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}

/** One view of a replay: its last trial, with every finding's report and events. */
export function replayView(r: ReplayResult, title: string, findings: Finding[] = r.findings): HtmlView | undefined {
  const trial = r.trials[r.trials.length - 1];
  if (!trial) return undefined;
  // each finding's own events: a merged race shows its first pair of accesses, not every pair
  const refs = findings.flatMap(
    (f) => r.messages.find((m) => m.finding.kind === f.kind && m.finding.title === f.title)?.finding.refs ?? [],
  );
  const report = findings.length ? findings.map((f) => f.report).join('\n\n') : 'no findings in this trial';
  return htmlView({ title, report, token: r.token, trial, refs }, r.layout);
}

export async function writeReplayHtml(file: string, r: ReplayResult): Promise<void> {
  const v = replayView(r, [...new Set(r.findings.map((f) => f.kind))].join(' + ') || 'trial');
  writePage(file, htmlPage(r.scenario, v ? [v] : []));
}

/** The first finding of each kind, each drawn from a replay of its own token. */
export async function writeRunHtml(
  file: string,
  scenario: string,
  findings: Finding[],
  hangMs?: number,
): Promise<void> {
  const views: HtmlView[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    if (seen.has(f.kind)) continue;
    seen.add(f.kind);
    const r = await replay(scenario, f.replay, { hangMs });
    const mine = r.findings.filter((g) => g.kind === f.kind);
    const v = replayView(r, f.kind, mine.length ? mine.slice(0, 1) : [f]);
    if (v) views.push(v);
  }
  writePage(file, htmlPage(scenario, views));
}
