/**
 * smpsim: the kernel API that scenarios import, and the entry points that run them.
 * The runners are loaded on first use, so a scenario importing the kernel API stays light.
 */
export * from './kernel/index.ts';
export type { ScenarioDef, TaskDecl, IrqDecl } from './machine/declarations.ts';
export type { ExploreOptions } from './run/options.ts';
export type { ExploreResult, Finding, InterruptRow } from './run/result.ts';
export type { ReplayResult, ReplayOptions } from './run/replay.ts';
export type { StressResult, StressOptions } from './run/stress.ts';
export type { FindingKind } from './check/finding-kinds.ts';
export type { CheckOptions, CheckResult } from './fuzz/check.ts';
export type { VerifyOptions, VerifyResult } from './run/verify.ts';
export type { Exhaustive } from './sched/dpor.ts';
export { FINDING_KINDS } from './check/finding-kinds.ts';

import type { ExploreOptions } from './run/options.ts';
import type { ExploreResult } from './run/result.ts';
import type { ReplayOptions, ReplayResult } from './run/replay.ts';
import type { StressOptions, StressResult } from './run/stress.ts';
import type { CheckOptions, CheckResult } from './fuzz/check.ts';
import type { VerifyOptions, VerifyResult } from './run/verify.ts';

export async function explore(path: string, opts?: ExploreOptions): Promise<ExploreResult> {
  return (await import('./run/explore.ts')).explore(path, opts);
}

export async function replay(path: string, token: string, opts?: ReplayOptions): Promise<ReplayResult> {
  return (await import('./run/replay.ts')).replay(path, token, opts);
}

/** fast-check over the scenario's schedules; shrinks a failure to the fewest context switches. */
export async function checkScenario(path: string, opts?: CheckOptions): Promise<CheckResult> {
  return (await import('./fuzz/check.ts')).checkScenario(path, opts);
}

/**
 * For a vitest test: resolves when no interleaving gives a finding ("verified: all N
 * executions" when DPOR explored them all, "sampled: N trials" otherwise), else throws the
 * shrunk failure.
 */
export async function expectNoFindings(
  path: string,
  opts?: Omit<CheckOptions, 'throws'> & { systematic?: boolean },
): Promise<string> {
  return (await import('./fuzz/check.ts')).expectNoFindings(path, opts);
}

/** DPOR over every distinct interleaving: `{ complete, executions, findings }`. */
export async function verifyScenario(path: string, opts?: VerifyOptions): Promise<VerifyResult> {
  return (await import('./run/verify.ts')).verifyScenario(path, opts);
}

/** Run the CPUs truly in parallel for a while; a watchdog reports soft lockups. */
export async function stress(path: string, opts?: StressOptions): Promise<StressResult> {
  return (await import('./run/stress.ts')).stress(path, opts);
}

/** Stop the CPU worker threads (lets a process exit promptly). */
export async function shutdown(): Promise<void> {
  return (await import('./machine/machine.ts')).shutdownMachines();
}

export type { LiveMachine } from './run/step/open-machine.ts';
export type { StepState } from './run/step/controller.ts';
export type { StepSnapshot, AgentView, OptionView } from './run/step/snapshot.ts';

/**
 * A live machine you schedule by hand: options(), choose(i), snapshot(), undo(), token(),
 * random(), close(). It runs in a worker thread behind a comlink proxy.
 */
export async function openMachine(path: string): Promise<import('./run/step/open-machine.ts').LiveMachine> {
  return (await import('./run/step/open-machine.ts')).openMachine(path);
}
