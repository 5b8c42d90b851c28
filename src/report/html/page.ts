/**
 * One self-contained HTML page (CSS, script and data inline; it loads nothing) showing replayed
 * trials as timelines beside their reports. A page holds one or more views: `replay` draws the
 * token's trial, `run` one view per kind of finding, each from the replay of its token.
 */
import { PAGE_SCRIPT } from './page-script.ts';
import { buildTimeline, type Timeline, type TimelineNames, type TrialEvents } from './timeline.ts';

export interface HtmlView {
  title: string;
  /** the report text shown beside the timeline */
  report: string;
  token: string;
  timeline: Timeline;
  /** seqs of the events the findings point at (race pair, the wait-for cycle, the sleeping call …) */
  highlights: number[];
}

export interface ViewSource {
  title: string;
  report: string;
  token: string;
  trial: TrialEvents & { trial: number };
  /** events the findings refer to, in any trial of the replay; those of `trial` are highlighted */
  refs: { trial: number; seq: number }[];
}

export function htmlView(src: ViewSource, names: TimelineNames): HtmlView {
  return {
    title: src.title,
    report: src.report,
    token: src.token,
    timeline: buildTimeline(src.trial, names),
    highlights: [...new Set(src.refs.filter((r) => r.trial === src.trial.trial).map((r) => r.seq))].sort(
      (a, b) => a - b,
    ),
  };
}

const CSS = `
body { margin: 0; font: 13px/1.4 system-ui, sans-serif; color: #222; background: #fafafa; }
header { padding: 8px 14px; background: #263238; color: #eee; }
header h1 { font-size: 15px; margin: 0 0 4px; }
header code { color: #b2dfdb; }
#tabs button { margin: 4px 4px 0 0; border: 1px solid #90a4ae; background: #37474f; color: #eee; padding: 2px 8px; cursor: pointer; }
#tabs button.active { background: #eceff1; color: #222; }
main { display: grid; grid-template-columns: minmax(0, 1fr) 460px; gap: 10px; padding: 10px; }
#scroll { overflow-x: auto; background: #fff; border: 1px solid #ccc; }
#legend { margin: 6px 0; } .key { margin-right: 12px; } .key i { display: inline-block; width: 18px; height: 8px; margin-right: 4px; }
.lane-bg { fill: #fff; } .lane-bg.odd { fill: #f3f6f8; }
.lane-label { font: 12px monospace; fill: #333; }
.ev-label { font: 10px monospace; fill: #455a64; } .ev-label.hl { fill: #b71c1c; font-weight: bold; }
.span.hardirq { fill: #ffe0b2; stroke: #fb8c00; } .span.softirq { fill: #e1f5fe; stroke: #039be5; }
.span.wait { fill: #ffcdd2; opacity: .8; } .span.sleep { fill: #d1c4e9; opacity: .8; }
.lockbar { opacity: .85; } .lockbar.read { opacity: .45; }
.ev { fill: #607d8b; stroke: #fff; stroke-width: 1; cursor: pointer; } .ev.hardirq { fill: #ef6c00; } .ev.softirq { fill: #0288d1; }
.ev.hl { fill: #d62728; stroke: #000; stroke-width: 2; r: 7; }
.ev.selected { stroke: #ffd600; stroke-width: 3; }
.wait-edge { stroke: #d62728; stroke-width: 2; stroke-dasharray: 4 3; fill: none; }
aside dl { display: grid; grid-template-columns: 110px 1fr; margin: 0 0 10px; background: #fff; border: 1px solid #ccc; padding: 6px; }
aside dt { color: #666; } aside dd { margin: 0; font-family: monospace; overflow-wrap: anywhere; }
pre { background: #fff; border: 1px solid #ccc; padding: 8px; font-size: 12px; overflow: auto; max-height: 70vh; white-space: pre; }
.hint { color: #666; font-size: 12px; }
`;

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** JSON that is safe inside a <script> element. */
function scriptJson(v: unknown): string {
  return JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

export function htmlPage(scenario: string, views: HtmlView[]): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>smpsim: ${escapeHtml(scenario)}</title>
<style>${CSS}</style></head>
<body>
<header><h1>smpsim: <code>${escapeHtml(scenario)}</code></h1>
<div class="hint">${views.length ? 'hover or click an event for its call site and context; ← → step through the events' : 'no findings'}</div>
<div id="tabs"></div></header>
<main>
<section><div id="scroll"><svg id="timeline" xmlns="http://www.w3.org/2000/svg"></svg></div><div id="legend"></div></section>
<aside><dl id="details"></dl><div class="hint">replay token: <code id="token"></code></div><pre id="report"></pre></aside>
</main>
<script type="application/json" id="smpsim-data">${scriptJson({ scenario, views })}</script>
<script>${PAGE_SCRIPT}</script>
</body></html>
`;
}
