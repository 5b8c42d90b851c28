/**
 * Replay a schedule token: the recorded trials run again in order with call sites captured,
 * the detectors see them as in the original run, and every finding comes back with its full
 * report. Replaying a token yields the identical event sequence every time.
 */
import { EventLog } from '../machine/events.ts';
import { Layout, TrialState } from '../machine/layout.ts';
import { runBatchOnMachine } from '../machine/machine.ts';
import {
  usageError,
  type BatchTask,
  type CloserPost,
  type CloserResult,
  type FindingMessage,
  type KeptTrial,
} from './batch-task.ts';
import { decodeToken, encodeToken, TokenError } from '../sched/token.ts';
import { loadScenario, scenarioBatch, ScenarioError } from './load-scenario.ts';
import {
  findingFrom,
  interruptRows,
  mergeRacesByCallSite,
  stuckFinding,
  type Finding,
  type InterruptRow,
} from './result.ts';
import { resolveOptions } from './options.ts';

export interface ReplayOptions {
  hangMs?: number;
  /** events per trial before it counts as a livelock (as in the run that made the token) */
  maxEvents?: number;
  /** lenient: a choice that does not fit is taken modulo the options (generated schedules) */
  lenient?: boolean;
}

export interface ReplayedTrial {
  trial: number;
  /** the token of this trial as it ran: replaying it gives the same events */
  token: string;
  events: EventLog;
  /** call site strings by id ("file.ts:line\tfunction") */
  strings: string[];
  endState: number;
  message: string;
}

export interface ReplayResult {
  scenario: string;
  token: string;
  findings: Finding[];
  trials: ReplayedTrial[];
  interrupts: InterruptRow[];
  /** the machine's layout: names of objects, tasks and irq lines (timelines draw with it) */
  layout: Layout;
  /** the findings as the detectors sent them, with the events they refer to */
  messages: FindingMessage[];
}

export async function replay(path: string, token: string, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const r = await replayTrials(path, token, opts);
  return { ...r, findings: mergeRacesByCallSite(r.findings) };
}

/** The replay itself: findings exactly as the detectors made them (races not yet merged). */
export async function replayTrials(path: string, token: string, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const t = decodeToken(token);
  const loaded = await loadScenario(path);
  const { def } = loaded;
  if (t.cpus !== def.cpus) {
    throw new TokenError(
      `replay token is for a ${t.cpus}-CPU machine but ${path} has ${def.cpus} CPU${def.cpus === 1 ? '' : 's'}`,
    );
  }
  const o = resolveOptions({ hangMs: opts.hangMs, maxEvents: opts.maxEvents, memory: t.memory });
  const L = new Layout(def, o.limits);
  const posts: CloserPost[] = [];
  const plan = { firstTrial: 0, trials: t.trials.length, trialNumbers: t.trials.map((x) => x.trial) };
  const out = await runBatchOnMachine<BatchTask, CloserPost, CloserResult>({
    layout: L,
    plan,
    task: (slot) => ({
      ...scenarioBatch(path, loaded, L),
      strategy: {
        name: 'replay',
        seed: t.seed,
        depth: 1,
        schedules: t.trials.map((x) => x.choices),
        regenerated: t.trials.map((x) => (x.regenerated ? { trial: x.trial, ...x.regenerated } : null)),
        strict: !opts.lenient,
      },
      tokenHead: { strategy: t.strategy, seed: t.seed, cpus: t.cpus, memory: t.memory },
      plan,
      capture: true,
      detectors: true,
      keepEvents: true,
      ...slot,
    }),
    hangMs: o.hangMs,
    onFinding: (msg) => posts.push(msg),
  });
  const usage = usageError(posts);
  if (usage !== undefined) throw new ScenarioError(usage);
  const messages = posts.filter((p): p is FindingMessage => p.type === 'finding');
  const kept: KeptTrial[] = out.result?.kept ?? [];
  if (kept.some((k) => k.endState === TrialState.MISMATCH)) {
    throw new TokenError(`replay token does not match ${path}: the scenario does not offer the recorded choices`);
  }
  const findings = messages.map(findingFrom);
  if (out.hang) {
    const { cpu, last } = out.hang;
    findings.push(stuckFinding(path, token, out.hang.trial, { cpu, hangMs: o.hangMs, last }));
  }
  if (out.crash) {
    const { cpu, last } = out.crash;
    findings.push(stuckFinding(path, token, out.crash.trial, { cpu, crash: out.crash.message, last }));
  }
  return {
    scenario: path,
    token,
    findings,
    trials: kept.map((k) => ({
      trial: k.trial,
      token: encodeToken({ strategy: t.strategy, seed: t.seed, cpus: t.cpus, memory: t.memory }, [k.segment]),
      events: new EventLog(k.words, k.length),
      strings: k.strings,
      endState: k.endState,
      message: k.message,
    })),
    interrupts: interruptRows(L, out.result?.irqCounts),
    layout: L,
    messages,
  };
}
