/**
 * Runs built event logs through a lockdep detector as trials of one run, keeping each trial's
 * site table so that reports can be rendered as a user would see them.
 */
import type { Detector, TrialInfo } from '../../src/check/detector.ts';
import { createLockdep, type LockdepFinding } from '../../src/check/lockdep/index.ts';
import { F_SITE, type EventLog } from '../../src/machine/events.ts';
import { TrialState, type Layout } from '../../src/machine/layout.ts';
import { renderLockdep } from '../../src/report/lockdep.ts';
import type { RenderContext } from '../../src/report/render-context.ts';
import { EventBuilder, type BuiltTrial } from '../support/event-builder.ts';

export class LockdepRun {
  readonly findings: LockdepFinding[] = [];
  readonly trials: BuiltTrial[] = [];
  /** trial index of each segment() call, to check they are built only when needed */
  readonly segmentCalls: number[] = [];

  readonly ctx: RenderContext;

  constructor(
    readonly layout: Layout,
    readonly detector: Detector<LockdepFinding['data'], LockdepFinding['kind']> = createLockdep(),
  ) {
    this.ctx = {
      layout,
      site: (ref) => {
        const t = this.trials[ref.trial];
        if (!t || ref.seq < 0 || ref.seq >= t.log.length) return '?';
        return t.sites[t.log.field(ref.seq, F_SITE)] || '?';
      },
      events: (trial): EventLog | undefined => this.trials[trial]?.log,
      scenarioPath: 'test.ts',
      taskName: (pid) => layout.taskName(pid),
    };
  }

  /** Run one trial whose events `build` writes; returns the findings it made. */
  trial(build: (b: EventBuilder) => void): LockdepFinding[] {
    const b = new EventBuilder(this.layout);
    build(b);
    return this.run(b.build());
  }

  run(t: BuiltTrial): LockdepFinding[] {
    const index = this.trials.length;
    this.trials.push(t);
    const made: LockdepFinding[] = [];
    const info: TrialInfo = {
      index,
      layout: this.layout,
      events: t.log,
      end: { state: TrialState.DONE, cpu: 0, message: '', seq: -1, cpus: [] },
      segment: () => {
        this.segmentCalls.push(index);
        return `seg${index}`;
      },
      text: (id) => t.sites[id] ?? '',
    };
    this.detector.onTrial(info, (f) => made.push(f));
    this.findings.push(...made);
    return made;
  }

  render(f: LockdepFinding): string {
    return renderLockdep(f, this.ctx);
  }
}

/** The report as lines, for line-by-line comparison. */
export function lines(text: string): string[] {
  return text.split('\n');
}
