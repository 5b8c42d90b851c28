/**
 * checkScenario: fast-check over the schedules of a scenario. Each run replays one generated
 * schedule on the warm CPU workers with every detector on; the property fails when findings
 * appear. fast-check then shrinks the schedule to the fewest context switches and interrupts
 * that still fail, and the failure says what happened, as an interleaving, with the reports,
 * the replay token and fast-check's seed and path.
 */
import fc from 'fast-check';
import type { FindingKind } from '../check/finding-kinds.ts';
import { Op, type EventLog } from '../machine/events.ts';
import { Layout } from '../machine/layout.ts';
import { formatInterleaving } from '../report/interleaving.ts';
import { replayCommand } from '../report/index.ts';
import { loadScenario } from '../run/load-scenario.ts';
import { replay, type ReplayResult } from '../run/replay.ts';
import { claim, verifyScenario } from '../run/verify.ts';
import type { Finding } from '../run/result.ts';
import { decodeToken } from '../sched/token.ts';
import { scheduleArbitrary, scheduleToken, shapeOf, switchCount, type ScheduleShape } from './schedule.ts';

export interface CheckOptions {
  /** schedules to try (default 100; each costs one replay, about a millisecond or a few) */
  numRuns?: number;
  /** fast-check's seed (default 1, so a run is the same every time) */
  seed?: number;
  /** fast-check's path: with the seed, re-runs exactly the failing case of an earlier run */
  path?: string;
  /** only findings of these kinds fail the property (default: any finding) */
  kinds?: readonly FindingKind[];
  /** most context switches and interrupts in one schedule (default up to 8) */
  maxSwitches?: number;
  hangMs?: number;
  /** throw a ScenarioCheckError on failure (default true); false returns the result */
  throws?: boolean;
  /**
   * replays spent after shrinking on trying every schedule with fewer switches than the shrunk
   * one (default 200): fast-check shrinks by removing one switch at a time, and two switches
   * can often be replaced only by one elsewhere
   */
  minimizeBudget?: number;
}

export interface CheckResult {
  scenario: string;
  failed: boolean;
  numRuns: number;
  numShrinks: number;
  /** fast-check's seed and, on failure, its path to the counterexample */
  seed: number;
  path?: string;
  /** findings of the shrunk schedule (empty when the property held) */
  findings: Finding[];
  /** the shrunk schedule as generated (choices taken modulo the options) */
  schedule?: number[];
  /** the shrunk schedule as it ran: `smpsim replay <scenario> <token>` reproduces it */
  token?: string;
  /** context switches and interrupts in the shrunk schedule (its choices other than 0) */
  switches?: number;
  /** of those, interrupts delivered */
  interrupts?: number;
  /** true when no schedule with fewer switches fails (all were tried) */
  minimal?: boolean;
  interleaving?: string;
  /** the failure message (or a one-line summary when the property held) */
  message: string;
}

export class ScenarioCheckError extends Error {
  constructor(readonly result: CheckResult) {
    super(result.message);
    this.name = 'ScenarioCheckError';
  }
}

const EMPTY: number[] = [];

/** The schedule shape of a scenario: its declaration and one trial without preemption. */
export async function scenarioShape(
  path: string,
  opts: Pick<CheckOptions, 'maxSwitches' | 'hangMs'> = {},
): Promise<ScheduleShape> {
  const { def } = await loadScenario(path);
  const r = await replay(path, scheduleToken(def.cpus, EMPTY), { lenient: true, hangMs: opts.hangMs });
  const ran = r.trials[0] ? decodeToken(r.trials[0].token).trials[0]!.choices.length : 0;
  return shapeOf(def, ran, opts.maxSwitches);
}

/** The arbitrary of a scenario's schedules. */
export async function scheduleArbitraryFor(
  path: string,
  opts: Pick<CheckOptions, 'maxSwitches' | 'hangMs'> = {},
): Promise<fc.Arbitrary<number[]>> {
  return scheduleArbitrary(await scenarioShape(path, opts));
}

function failing(r: ReplayResult, kinds: readonly FindingKind[] | undefined): Finding[] {
  return kinds ? r.findings.filter((f) => kinds.includes(f.kind)) : r.findings;
}

export async function checkScenario(path: string, opts: CheckOptions = {}): Promise<CheckResult> {
  const { def } = await loadScenario(path);
  const shape = await scenarioShape(path, opts);
  const replayOpts = { lenient: true, hangMs: opts.hangMs };
  const prop = fc.asyncProperty(scheduleArbitrary(shape), async (choices) => {
    const r = await replay(path, scheduleToken(def.cpus, choices), replayOpts);
    return failing(r, opts.kinds).length === 0;
  });
  const seed = opts.seed ?? 1;
  const out = await fc.check(prop, { numRuns: opts.numRuns ?? 100, seed, path: opts.path, endOnFailure: false });
  const base = { scenario: path, numRuns: out.numRuns, numShrinks: out.numShrinks, seed: out.seed };
  if (!out.failed) {
    return {
      ...base,
      failed: false,
      findings: [],
      message: `checkScenario ${path}: no findings in ${out.numRuns} schedules (seed ${out.seed})`,
    };
  }
  if (!out.counterexample) {
    // the property threw rather than failed: a machine or load error, not a finding
    const e: unknown = (out as { errorInstance?: unknown }).errorInstance;
    throw e instanceof Error ? e : new Error(String(e));
  }
  const fails = async (choices: number[]): Promise<ReplayResult | undefined> => {
    const r = await replay(path, scheduleToken(def.cpus, choices), replayOpts);
    return failing(r, opts.kinds).length ? r : undefined;
  };
  const shrunk = await minimize(out.counterexample[0], shape, fails, opts.minimizeBudget ?? 200);
  const schedule = shrunk.schedule;
  const r = shrunk.result;
  const findings = failing(r, opts.kinds);
  const trial = r.trials[0];
  const token = trial?.token ?? scheduleToken(def.cpus, schedule);
  const ran = decodeToken(token).trials[0]?.choices ?? schedule;
  const interleaving = trial ? formatInterleaving(trial.events, new Layout(def)) : '(no events)';
  const result: CheckResult = {
    ...base,
    failed: true,
    path: out.counterexamplePath ?? undefined,
    findings,
    schedule,
    token,
    switches: switchCount(ran),
    interrupts: trial ? countOp(trial.events, Op.IRQ_ENTER) : 0,
    minimal: shrunk.minimal,
    interleaving,
    message: '',
  };
  result.message = failureMessage(result);
  if (opts.throws === false) return result;
  throw new ScenarioCheckError(result);
}

interface Shrunk {
  schedule: number[];
  result: ReplayResult;
  minimal: boolean;
}

/**
 * Try every schedule with fewer switches than the shrunk one, fewest first, within a budget
 * of replays; the first that fails replaces it.
 */
async function minimize(
  schedule: number[],
  shape: ScheduleShape,
  fails: (c: number[]) => Promise<ReplayResult | undefined>,
  budget: number,
): Promise<Shrunk> {
  const result = await fails(schedule);
  if (!result) throw new Error('checkScenario: the shrunk schedule did not fail again when replayed');
  const have = switchCount(
    decodeToken(result.trials[0]?.token ?? scheduleToken(shape.cpus, schedule)).trials[0]!.choices,
  );
  let left = budget;
  for (let k = 0; k < have; k++) {
    for (const cand of schedulesWith(k, shape)) {
      if (left-- <= 0) return { schedule, result, minimal: false };
      const r = await fails(cand);
      if (r) return { schedule: cand, result: r, minimal: true };
    }
  }
  return { schedule, result, minimal: true };
}

/** Every schedule with exactly k switches over the shape's decisions, earliest first. */
function* schedulesWith(k: number, shape: ScheduleShape, from = 0, prefix: number[] = []): Generator<number[]> {
  if (k === 0) {
    yield prefix;
    return;
  }
  for (let at = from; at < shape.decisions; at++) {
    for (let c = 1; c < shape.options; c++) {
      const next = prefix.concat(new Array<number>(at - prefix.length).fill(0), [c]);
      yield* schedulesWith(k - 1, shape, at + 1, next);
    }
  }
}

function countOp(ev: EventLog, op: number): number {
  let n = 0;
  for (let i = 0; i < ev.length; i++) if (ev.op(i) === op) n++;
  return n;
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

function failureMessage(r: CheckResult): string {
  const kinds = [...new Set(r.findings.map((f) => f.kind))].join(', ') || 'findings';
  const irqs = r.interrupts ?? 0;
  const switches = `${plural((r.switches ?? 0) - irqs, 'context switch').replace('switchs', 'switches')}${irqs ? ` and ${plural(irqs, 'interrupt')}` : ''}`;
  const reports = r.findings.map((f) => f.report.trimEnd());
  const replayLine = `replay: ${replayCommand(r.scenario, r.token ?? '')}`;
  return [
    `checkScenario ${r.scenario}: ${kinds} after ${plural(r.numRuns, 'schedule')}, shrunk to ${switches}${r.minimal ? ' (the fewest that fail)' : ''}:`,
    '',
    r.interleaving,
    ...reports.map((t) => (t.startsWith('\n') ? t : `\n${t}`)),
    '',
    ...(reports.some((t) => t.includes(replayLine)) ? [] : [replayLine]),
    `re-run: checkScenario(${JSON.stringify(r.scenario)}, { seed: ${r.seed}, path: ${JSON.stringify(r.path ?? '')} })`,
    '',
  ].join('\n');
}

/**
 * For a vitest test: resolves when no schedule gives a finding, throws the failure otherwise.
 * When DPOR can explore every interleaving within VERIFY_BUDGET it does, and the claim is
 * "verified: all N executions"; otherwise fast-check samples, "sampled: N trials". Resolves to
 * that claim. A finding is shown shrunk, by fast-check, when it can find it too.
 */
export async function expectNoFindings(
  path: string,
  opts: Omit<CheckOptions, 'throws'> & { systematic?: boolean } = {},
): Promise<string> {
  if (opts.systematic !== false) {
    const v = await verifyScenario(path, { hangMs: opts.hangMs, reports: true });
    if (v.complete && v.findings.length === 0) return claim(v);
    if (v.findings.length) {
      const r = await checkScenario(path, { ...opts, throws: false });
      if (r.failed) throw new ScenarioCheckError(r);
      throw new Error(
        `expectNoFindings ${path}: DPOR found ${v.findings.map((f) => f.kind).join(', ')}\n\n${v.findings.map((f) => f.report).join('\n')}`,
      );
    }
  }
  const r = await checkScenario(path, { ...opts, throws: true });
  return claim({ trials: r.numRuns });
}
