/**
 * The controller of a live machine that a person (or a test, or a page) schedules by hand.
 *
 * It keeps the choices made so far (the prefix). To learn the next decision it replays the
 * prefix with call sites captured and the probe strategy (src/sched/probe.ts), which records
 * that decision's options and the event count there; what every agent is doing at that point is
 * read from the events before it, and the call each will make next from the events after it
 * (the trial goes on with "nothing changes" once the decision is recorded). Undo is a shorter
 * prefix. A finding is shown once every event it refers to lies before the decision point, or
 * when the trial has ended: the same report and token `run` and `replay` print.
 *
 * The controller runs in a worker thread exposed with comlink (controller-worker.ts), so all it
 * returns is plain data.
 */
import { EventLog } from '../../machine/events.ts';
import { Layout, TrialState } from '../../machine/layout.ts';
import { runBatchOnMachine } from '../../machine/machine.ts';
import { usageError, type BatchTask, type CloserPost, type CloserResult, type FindingMessage } from '../batch-task.ts';
import { PROBE } from '../../sched/probe.ts';
import { encodeToken, segment } from '../../sched/token.ts';
import { loadScenario, scenarioBatch, type LoadedScenario } from '../load-scenario.ts';
import { findingFrom, mergeRacesByCallSite, type Finding } from '../result.ts';
import { resolveOptions } from '../options.ts';
import { describeOption, machineSnapshot, type OptionView, type StepSnapshot } from './snapshot.ts';

export const STEP_STRATEGY = 'step';

export interface StepState {
  snapshot: StepSnapshot;
  /** findings that happened with this step (each is reported once) */
  findings: Finding[];
}

interface Probe {
  snapshot: StepSnapshot;
  happened: FindingMessage[];
}

export class MachineController {
  private prefix: number[] = [];
  private reported = new Set<string>();
  private loaded?: { l: LoadedScenario; L: Layout };
  private current?: Probe;

  constructor(private readonly path: string) {}

  private async scenario(): Promise<{ l: LoadedScenario; L: Layout }> {
    if (!this.loaded) {
      const l = await loadScenario(this.path);
      this.loaded = { l, L: new Layout(l.def, resolveOptions({}).limits) };
    }
    return this.loaded;
  }

  private tokenOf(choices: number[]): string {
    return encodeToken({ strategy: STEP_STRATEGY, seed: 0, cpus: this.loaded?.L.ncpus ?? 0 }, [segment(0, choices)]);
  }

  /** Replay the prefix and record the decision after it. */
  private async probe(): Promise<Probe> {
    const { l, L } = await this.scenario();
    const posts: CloserPost[] = [];
    const plan = { firstTrial: 0, trials: 1 };
    const out = await runBatchOnMachine<BatchTask, CloserPost, CloserResult>({
      layout: L,
      plan,
      keepsMemory: true,
      task: (slot) => ({
        ...scenarioBatch(this.path, l, L),
        strategy: { name: 'probe', seed: 0, depth: 1, schedules: [this.prefix] },
        tokenHead: { strategy: STEP_STRATEGY, seed: 0, cpus: L.ncpus },
        plan,
        capture: true,
        detectors: true,
        keepEvents: true,
        ...slot,
      }),
      hangMs: resolveOptions({}).hangMs,
      onFinding: (msg) => posts.push(msg),
    });
    const usage = usageError(posts);
    if (usage !== undefined) throw new Error(usage);
    const messages = posts.filter((p): p is FindingMessage => p.type === 'finding');
    const kept = out.result?.kept[0];
    if (!kept || out.hang || out.crash)
      throw new Error(
        `the trial did not finish: ${out.crash?.message ?? (out.hang ? `no scheduling point on CPU${out.hang.cpu}` : 'no result')}`,
      );
    if (kept.endState === TrialState.MISMATCH)
      throw new Error(`the choices ${this.prefix.join(',')} do not fit ${this.path}`);
    const region = out.memory!.subarray(L.strategyBase, L.strategyBase + L.strategyWords);
    const found = region[PROBE.FOUND] === 1;
    const at = found ? region[PROBE.EVENTS]! : kept.length;
    const events = new EventLog(kept.words, kept.length);
    const options: OptionView[] = [];
    if (found) {
      for (let i = 0; i < region[PROBE.N]!; i++)
        options.push(describeOption(L, i, region[PROBE.OPTIONS + i]!, region[PROBE.CURRENT]!));
    }
    const snapshot = machineSnapshot(L, { events, strings: kept.strings }, at, {
      step: this.prefix.length,
      token: this.tokenOf(this.prefix),
      options,
      ended: found ? undefined : endText(kept.endState, kept.message),
    });
    // a finding that refers to no event (the scenario's check()) can only be known at the end
    const happened = messages.filter(
      (msg) => !found || (msg.finding.refs.length > 0 && msg.finding.refs.every((r) => r.seq < at)),
    );
    return { snapshot, happened };
  }

  private async state(): Promise<StepState> {
    this.current = await this.probe();
    // races are one finding per pair of call sites, as `run` reports them
    const fresh = mergeRacesByCallSite(this.current.happened.map(findingFrom)).filter(
      (f) => !this.reported.has(f.signature),
    );
    fresh.forEach((f) => this.reported.add(f.signature));
    return { snapshot: this.current.snapshot, findings: fresh };
  }

  /** The state at the start (or after the choices given). */
  async start(choices: number[] = []): Promise<StepState> {
    this.prefix = [...choices];
    this.reported = new Set();
    return this.state();
  }

  async options(): Promise<OptionView[]> {
    return (await this.snapshot()).options;
  }

  async snapshot(): Promise<StepSnapshot> {
    if (!this.current) this.current = await this.probe();
    return this.current.snapshot;
  }

  /** Take option i of the current decision. */
  async choose(i: number): Promise<StepState> {
    const n = (await this.options()).length;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(n ? `no option ${i}: choose 0 to ${n - 1}` : 'the trial has ended: nothing to choose');
    }
    this.prefix.push(i);
    return this.state();
  }

  /** Go back one choice (the prefix replays exactly, so the state is the same as before it). */
  async undo(): Promise<StepState> {
    if (this.prefix.length) this.prefix.pop();
    this.current = await this.probe();
    // what happened after this point is forgotten: taking that way again reports it again
    this.reported = new Set(mergeRacesByCallSite(this.current.happened.map(findingFrom)).map((f) => f.signature));
    return { snapshot: this.current.snapshot, findings: [] };
  }

  async token(): Promise<string> {
    await this.scenario();
    return this.tokenOf(this.prefix);
  }

  /** Choose at random (seeded) to the end of the trial. */
  async random(seed = Date.now()): Promise<StepState> {
    let x = seed >>> 0 || 1;
    const found: Finding[] = [];
    let s = await this.snapshot();
    while (s.options.length) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      const r = await this.choose((x >>> 0) % s.options.length);
      found.push(...r.findings);
      s = r.snapshot;
    }
    return { snapshot: s, findings: found };
  }

  async close(): Promise<void> {
    await (await import('../../machine/machine.ts')).shutdownMachines();
  }
}

function endText(state: number, message: string): string {
  const name =
    Object.entries(TrialState)
      .find(([, v]) => v === state)?.[0]
      ?.toLowerCase() ?? String(state);
  return message ? `${name}: ${message}` : name;
}
