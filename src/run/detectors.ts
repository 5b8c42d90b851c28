/**
 * DETECTORS: every detector a run uses, each with the finding kinds it reports and the renderer
 * that draws its findings. A new detector is its module under src/check, its renderer under
 * src/report, and one entry here; the entry ties the detector's data type to its renderer's, so
 * no renderer casts what it draws.
 *
 * Order is the order detectors see each trial (and so the order findings of one trial are made).
 */
import type { Detector, RawFinding, TrialInfo } from '../check/detector.ts';
import type { FindingKind } from '../check/finding-kinds.ts';
import { createMachineChecks, MACHINE, MACHINE_KINDS } from '../check/machine-checks.ts';
import { createRaceDetector, RACES } from '../check/races/index.ts';
import { createLockdep, LOCKDEP, LOCKDEP_KINDS } from '../check/lockdep/index.ts';
import { createMightSleep, MIGHT_SLEEP, MIGHT_SLEEP_KINDS } from '../check/might-sleep/index.ts';
import type { RenderContext } from '../report/render-context.ts';
import { renderMachine } from '../report/machine.ts';
import { renderKcsan } from '../report/kcsan.ts';
import { renderLockdep } from '../report/lockdep.ts';
import { renderMightSleep } from '../report/might-sleep.ts';
import { createKasan, KASAN, KASAN_KINDS } from '../check/kasan/index.ts';
import { renderKasan } from '../report/kasan.ts';
import { createRefcountWarnings, REFCOUNT, REFCOUNT_KINDS } from '../check/refcount-warning.ts';
import { renderRefcount } from '../report/refcount.ts';
import { createRcuUsage, RCU_USAGE, RCU_USAGE_KINDS } from '../check/rcu-usage.ts';
import { renderRcuUsage } from '../report/rcu.ts';

export interface DetectorEntry<D, K extends FindingKind> {
  /** RawFinding.detector of its findings */
  readonly name: string;
  readonly kinds: readonly K[];
  /** a fresh instance per run or replay (lockdep's graph lives as long as it) */
  create(): Detector<D, K>;
  /** its findings depend on earlier trials too (lockdep's graph): not replayed with others' */
  readonly spansTrials?: true;
  render(finding: RawFinding<D, K>, ctx: RenderContext): string;
}

/**
 * Where a run's detector hands each finding, with the renderer that draws it. The renderer is
 * its entry's own function, not a closure over the finding: a racy scenario makes dozens of
 * findings a trial, nearly all already seen, and only a finding's first sighting is drawn.
 */
export type FindingSink = <D, K extends FindingKind>(
  f: RawFinding<D, K>,
  render: (f: RawFinding<D, K>, ctx: RenderContext) => string,
) => void;

/** A detector of a run, its finding handed over with the drawing that belongs to it. */
export interface RunDetector {
  readonly name: string;
  onTrial(trial: TrialInfo, report: FindingSink): void;
  /** see Detector.history */
  history(): string[];
}

/** A table row whose data type is known only inside it. */
export interface DetectorRow {
  readonly name: string;
  readonly kinds: readonly FindingKind[];
  readonly spansTrials?: true;
  start(): RunDetector;
}

function row<D, K extends FindingKind>(e: DetectorEntry<D, K>): DetectorRow {
  return {
    name: e.name,
    kinds: e.kinds,
    ...(e.spansTrials ? { spansTrials: true as const } : {}),
    start() {
      const d = e.create();
      // made once, not per trial: the trial's sink is kept while the detector runs
      let sink: FindingSink | undefined;
      const forward = (f: RawFinding<D, K>): void => sink?.(f, e.render);
      return {
        name: e.name,
        onTrial: (t, report) => {
          sink = report;
          d.onTrial(t, forward);
        },
        history: () => d.history?.() ?? [],
      };
    },
  };
}

export const DETECTORS: readonly DetectorRow[] = [
  row({ name: MACHINE, kinds: MACHINE_KINDS, create: createMachineChecks, render: renderMachine }),
  row({ name: RACES, kinds: ['data-race'], create: createRaceDetector, render: renderKcsan }),
  row({ name: LOCKDEP, kinds: LOCKDEP_KINDS, create: createLockdep, render: renderLockdep, spansTrials: true }),
  row({ name: MIGHT_SLEEP, kinds: MIGHT_SLEEP_KINDS, create: createMightSleep, render: renderMightSleep }),
  row({ name: KASAN, kinds: KASAN_KINDS, create: createKasan, render: renderKasan }),
  row({ name: REFCOUNT, kinds: REFCOUNT_KINDS, create: createRefcountWarnings, render: renderRefcount }),
  row({ name: RCU_USAGE, kinds: RCU_USAGE_KINDS, create: createRcuUsage, render: renderRcuUsage }),
];

export function createDetectors(): RunDetector[] {
  return DETECTORS.map((d) => d.start());
}

/** Kinds whose findings depend on their own trial alone (no detector that spans trials makes them). */
export const TRIAL_LOCAL_KINDS: ReadonlySet<FindingKind> = new Set(
  DETECTORS.flatMap((d) => d.kinds).filter((k) => !DETECTORS.some((d) => d.spansTrials && d.kinds.includes(k))),
);
