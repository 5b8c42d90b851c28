/**
 * The closer's observer: runs the detectors over each finished trial, de-duplicates findings by
 * signature, gives each its replay token and sends it to the main thread as soon as it is made
 * (so a worker that dies later loses nothing). In capture runs (replays of findings) it also
 * renders the report with call sites, and keeps the trials' events for traces.
 */
import { type EventLog, F_FN, F_SITE, KFN_NAMES } from '../machine/events.ts';
import { TrialState, type Layout } from '../machine/layout.ts';
import type { StringTable } from '../machine/strings.ts';
import type { BatchSummary } from '../machine/trial-loop.ts';
import type { TrialObserver } from '../machine/deferred-trials.ts';
import type { BatchTask, CloserResult, FindingMessage, KeptTrial, UsageMessage } from './batch-task.ts';
import { siteText } from '../machine/call-site.ts';
import type { EventRef, RawFinding, TrialInfo } from '../check/detector.ts';
import type { FindingKind } from '../check/finding-kinds.ts';
import { renderReport } from '../report/index.ts';
import type { RenderContext } from '../report/render-context.ts';
import { encodeToken } from '../sched/token.ts';
import { createDetectors, type FindingSink } from './detectors.ts';

export class Analyzer implements TrialObserver {
  private readonly detectors = createDetectors();
  private readonly seen = new Set<string>();
  private readonly counts: Record<string, number> = {};
  private readonly kept: KeptTrial[] = [];
  private readonly trialSites = new Map<number, string[]>();
  private readonly trialEvents = new Map<number, EventLog>();
  private usageSaid = false;
  /** replays keep each trial's events and strings as they close: judged on the spot */
  readonly deferrable: boolean;

  constructor(
    private readonly task: BatchTask,
    private readonly L: Layout,
    private readonly strings: StringTable,
  ) {
    this.deferrable = !task.capture && !task.keepEvents;
  }

  onTrial(t: TrialInfo): void {
    if (this.task.capture || this.task.keepEvents) {
      const events = t.events.copy();
      const sites = this.strings.snapshot();
      this.trialEvents.set(t.index, events);
      this.trialSites.set(t.index, sites);
      if (this.task.keepEvents) {
        this.kept.push({
          trial: this.runTrial(t.index),
          segment: t.segment(),
          words: events.words,
          length: events.length,
          strings: sites,
          endState: t.end.state,
          message: t.end.message,
        });
      }
    }
    if (t.end.state === TrialState.USAGE) {
      // the scenario's own mistake, not a verdict: said once, and no detector judges the trial
      if (!this.usageSaid)
        this.task.port?.postMessage({ type: 'usage', message: t.end.message } satisfies UsageMessage);
      this.usageSaid = true;
      return;
    }
    if (!this.task.detectors) return;
    this.trial = t;
    for (const d of this.detectors) d.onTrial(t, this.sink);
  }

  /** the trial the detectors are judging, for the sink (one function for every trial) */
  private trial: TrialInfo | undefined;
  private readonly sink: FindingSink = (f, render) => {
    if (this.trial) this.report(this.trial, f, render);
  };

  private runTrial(index: number): number {
    return this.task.plan.trialNumbers?.[index] ?? this.task.plan.firstTrial + index;
  }

  private report<D, K extends FindingKind>(
    t: TrialInfo,
    f: RawFinding<D, K>,
    render: (f: RawFinding<D, K>, ctx: RenderContext) => string,
  ): void {
    this.counts[f.signature] = (this.counts[f.signature] ?? 0) + 1;
    if (this.seen.has(f.signature)) return;
    this.seen.add(f.signature);
    const replay = encodeToken(this.task.tokenHead, [...(f.priorSegments ?? []), t.segment()]);
    const msg: FindingMessage = { type: 'finding', finding: f, replay, trial: this.runTrial(t.index) };
    if (this.task.capture) {
      const ctx = this.renderContext();
      msg.report = renderReport(render(f, ctx), ctx, replay);
      // scenario lines only (file:line), not the kernel functions of the machine's own events
      msg.sites = [...new Set(f.refs.map((r) => ctx.site(r)).filter((s) => /:\d+$/.test(s)))];
    }
    this.task.port?.postMessage(msg);
  }

  private renderContext(): RenderContext {
    const L = this.L;
    return {
      layout: L,
      scenarioPath: this.task.displayPath,
      events: (trial) => this.trialEvents.get(trial),
      taskName: (pid) => L.taskName(pid),
      site: (ref: EventRef) => {
        const log = this.trialEvents.get(ref.trial);
        const sites = this.trialSites.get(ref.trial);
        if (!log || !sites || ref.seq < 0 || ref.seq >= log.length) return '?';
        const where = siteText(sites[log.field(ref.seq, F_SITE)] ?? '').where;
        // an event of the machine's own code, with no scenario frame (process_one_work()
        // taking a work's map): named by its kernel function, as the kernel's trace would
        return where === '?' ? (KFN_NAMES[log.field(ref.seq, F_FN)] ?? '?') : where;
      },
    };
  }

  finish(summary: BatchSummary): CloserResult {
    this.task.port?.postMessage({ type: 'end' });
    const history = this.detectors.flatMap((d) => d.history());
    return { ...summary, counts: this.counts, kept: this.kept, history };
  }
}
