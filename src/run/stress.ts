/**
 * stress(): the scenario's CPUs run truly in parallel, trial after trial, until the time is up.
 * The detectors see every trial as in controlled mode; a watchdog turns a CPU that stops making
 * progress into a soft-lockup finding (a deadlock when the wait-for graph has a cycle), and the
 * run goes on with fresh workers. At the end, controlled mode is run with the same seed to say
 * whether each bug reproduces there, and with what replay token.
 */
import { Layout, DEFAULT_LIMITS } from '../machine/layout.ts';
import { runStressBatchOnMachine, type Lockup } from '../machine/stress-machine.ts';
import type { CloserPost, CloserResult, StressTask } from './batch-task.ts';
import { renderSoftLockup, softLockupTitle, waitCycle } from '../report/soft-lockup.ts';
import { replayCommand, shellWord } from '../report/index.ts';
import { loadScenario, scenarioBatch, ScenarioError } from './load-scenario.ts';
import { resolveStressOptions, type StressOptions } from './options.ts';

export type { StressOptions };
import { findingFrom, type Finding } from './result.ts';
import { explore } from './explore.ts';

export interface StressResult {
  scenario: string;
  seconds: number;
  seed: number;
  trials: number;
  elapsedMs: number;
  findings: Finding[];
  /** stopped before its time was up (a signal): the findings are those made so far */
  interrupted?: true;
}

export async function stress(path: string, opts: StressOptions = {}): Promise<StressResult> {
  const { seconds, lockupMs, reproduceTrials, seed, signal } = resolveStressOptions(opts);
  const loaded = await loadScenario(path);
  const { def } = loaded;
  const L = new Layout(def, DEFAULT_LIMITS);
  if (L.nagents !== L.ncpus) {
    throw new ScenarioError(
      `stress mode runs one pinned task per CPU; ${path} has more (several tasks on a CPU, a task allowed on several CPUs, work items or kernel threads): use smpsim run`,
    );
  }
  const found = new Map<string, Finding>();
  const lockups = new Map<string, Lockup>();
  let usage: string | undefined;
  const onFinding = (msg: CloserPost): void => {
    if (msg.type === 'usage') {
      usage ??= msg.message;
      return;
    }
    if (!found.has(msg.finding.signature)) found.set(msg.finding.signature, { ...findingFrom(msg), replay: '' });
  };
  const t0 = Date.now();
  const deadline = t0 + seconds * 1000;
  let trials = 0;
  let batch = 0;
  while (Date.now() < deadline && !signal?.aborted) {
    const plan = { firstTrial: trials, trials: Number.MAX_SAFE_INTEGER };
    const out = await runStressBatchOnMachine<StressTask, CloserPost, CloserResult>({
      layout: L,
      plan,
      task: (slot) => ({
        ...scenarioBatch(path, loaded, L),
        strategy: { name: 'random', seed, depth: 1 },
        tokenHead: { strategy: 'stress', seed, cpus: def.cpus },
        plan,
        capture: false,
        detectors: true,
        keepEvents: false,
        ...slot,
      }),
      deadline,
      seed: seed + batch++,
      lockupMs,
      onFinding,
      signal,
    });
    trials += out.trialsDone;
    if (usage !== undefined) throw new ScenarioError(usage);
    if (out.lockup) {
      trials++;
      const f = lockupFinding(L, out.lockup);
      if (!found.has(f.signature)) {
        found.set(f.signature, f);
        lockups.set(f.signature, out.lockup);
      } else found.get(f.signature)!.count++;
    } else if (out.crash) {
      // a worker that died, or a closer stuck in check(): a finding, and the run goes on
      const f = crashFinding(out.crash, trials);
      const seen = found.get(f.signature);
      if (seen) seen.count++;
      else found.set(f.signature, f);
    } else break;
  }
  const elapsedMs = Date.now() - t0;
  const findings = [...found.values()];
  if (findings.length)
    await reproduce(path, L, findings, lockups, seed, signal?.aborted ? 0 : reproduceTrials, elapsedMs, signal);
  return {
    scenario: path,
    seconds,
    seed,
    trials,
    elapsedMs,
    findings,
    ...(signal?.aborted ? { interrupted: true as const } : {}),
  };
}

function crashFinding(message: string, trial: number): Finding {
  const cpu = Number(/^CPU (\d+)/.exec(message)?.[1] ?? 0);
  const title = `BUG: ${message}`;
  return {
    kind: 'exception',
    signature: `stress:crash:${message}`,
    title,
    cpus: [cpu],
    locks: [],
    sites: [],
    replay: '',
    firstTrial: trial,
    count: 1,
    report: '',
  };
}

function lockupFinding(L: Layout, lockup: Lockup): Finding {
  const cycle = waitCycle(lockup.cpus);
  const waits = lockup.cpus
    .filter((s) => s.stuck)
    .map(
      (s) =>
        `cpu${s.cpu}:${s.contexts.map((c) => (c.waitObj >= 0 ? L.objName(c.waitObj) : 'run')).join('>')}<-${s.held.map((h) => L.objName(h.obj)).join(',')}`,
    )
    .join('|');
  const locks = new Set<string>();
  for (const s of lockup.cpus) {
    for (const h of s.held) locks.add(L.objName(h.obj));
    for (const c of s.contexts) if (c.waitObj >= 0) locks.add(L.objName(c.waitObj));
  }
  return {
    kind: cycle ? 'deadlock' : 'soft-lockup',
    signature: `stress:${cycle ? 'deadlock' : 'soft-lockup'}:${waits}`,
    title: softLockupTitle(L, lockup),
    cpus: lockup.cpus.filter((s) => s.stuck || s.contexts.some((c) => c.waitObj >= 0)).map((s) => s.cpu),
    locks: [...locks].sort(),
    sites: [],
    replay: '',
    firstTrial: lockup.trial,
    count: 1,
    report: '',
  };
}

/**
 * The controlled run gets no more time than the stress run had (and at least
 * REPRODUCE_MIN_MS): a task that loops without kernel calls hangs every controlled trial for
 * the whole hang time, and 1000 of those would be a quarter of an hour without a word.
 */
const REPRODUCE_MIN_MS = 10_000;

/** Try each finding in controlled mode with the same seed; say what came of it. */
async function reproduce(
  path: string,
  L: Layout,
  findings: Finding[],
  lockups: Map<string, Lockup>,
  seed: number,
  trials: number,
  budgetMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const budget = AbortSignal.timeout(Math.max(budgetMs, REPRODUCE_MIN_MS));
  const r =
    trials > 0
      ? await explore(path, { seed, trials, signal: signal ? AbortSignal.any([signal, budget]) : budget }).catch(
          () => undefined,
        )
      : undefined;
  const controlled = r?.findings ?? [];
  const cut = r?.interrupted ? ` (stopped after ${r.trials} trials: the time of the stress run was up)` : '';
  const run = `smpsim run ${shellWord(path)} --seed ${seed} --trials ${trials}`;
  for (const f of findings) {
    const lockup = lockups.get(f.signature);
    const same = lockup
      ? controlled.find(
          (c) =>
            ((c.kind === 'deadlock' || c.kind === f.kind) && f.locks.every((l) => c.locks.includes(l))) ||
            // a lockup with no lock involved is code looping without kernel calls: a hang there
            (f.locks.length === 0 && c.signature.startsWith('hang:')),
        )
      : controlled.find((c) => c.signature === f.signature);
    const note =
      trials === 0
        ? ['Controlled mode was not tried.']
        : same
          ? [
              `Controlled mode reproduces it: \`${run}\` finds it as ${same.kind}:`,
              `replay: ${replayCommand(path, same.replay)}`,
            ]
          : [`Controlled mode did not reproduce it: \`${run}\` found no such ${f.kind}${cut}.`];
    if (same) f.replay = same.replay;
    if (lockup) {
      f.report = `${renderSoftLockup(L, lockup, [...note, ''])}\n`;
    } else {
      const body =
        same?.report.replace(/\n\nreplay: .*\n?$/, '') ??
        `${f.title}\n(found in stress mode: call sites are recorded only in controlled replays)`;
      f.report = `${body}\n\nFound in stress mode. ${note.join('\n')}\n`;
    }
  }
}
