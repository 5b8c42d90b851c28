/**
 * `--sarif FILE`: each finding's interleaving comes from replaying its token (exact replay, so
 * the steps are the ones the report describes), then the log is built by src/report/sarif.ts.
 */
import { writeFileSync } from 'node:fs';
import { F_CPU, F_SITE, F_TID } from '../machine/events.ts';
import { Layout } from '../machine/layout.ts';
import { siteText } from '../machine/call-site.ts';
import { describeEvent } from '../report/interleaving.ts';
import { sarifLog, type FlowStep, type SarifRunInput } from '../report/sarif.ts';
import { loadScenario } from './load-scenario.ts';
import { resolveOptions } from './options.ts';
import { replayTrials, type ReplayedTrial } from './replay.ts';
import type { Finding } from './result.ts';

/** A run as SARIF sees it: the scenario, its findings, and what else describes the run. */
export interface SarifSource {
  scenario: string;
  findings: Finding[];
  properties?: Record<string, unknown>;
}

function cpusShareAgents(trials: ReplayedTrial[]): Set<number> {
  const pids = new Map<number, Set<number>>();
  for (const t of trials) {
    for (let i = 0; i < t.events.length; i++) {
      const cpu = t.events.field(i, F_CPU);
      let s = pids.get(cpu);
      if (!s) pids.set(cpu, (s = new Set()));
      s.add(t.events.field(i, F_TID));
    }
  }
  return new Set([...pids].filter(([, s]) => s.size > 1).map(([c]) => c));
}

/** The steps of a replayed token, in the order they ran, each on its CPU (and agent where several share it). */
export function flowSteps(trials: ReplayedTrial[], L: Layout): FlowStep[] {
  const shared = cpusShareAgents(trials);
  const steps: FlowStep[] = [];
  for (const t of trials) {
    for (let i = 0; i < t.events.length; i++) {
      const text = describeEvent(t.events, i, L);
      if (text === undefined) continue;
      const cpu = t.events.field(i, F_CPU);
      const pid = t.events.field(i, F_TID);
      const site = siteText(t.strings[t.events.field(i, F_SITE)] ?? '').where;
      steps.push({
        thread: shared.has(cpu) && pid > 0 ? `CPU${cpu} ${L.taskName(pid)}` : `CPU${cpu}`,
        text: trials.length > 1 ? `trial ${t.trial}: ${text}` : text,
        ...(site && site !== '?' ? { site } : {}),
      });
    }
  }
  return steps;
}

/** Replay each finding for its interleaving (a finding that does not replay gets none). */
export async function sarifRun(src: SarifSource): Promise<SarifRunInput> {
  const flows: (FlowStep[] | undefined)[] = [];
  let L: Layout | undefined;
  for (const f of src.findings) {
    try {
      if (!f.replay) throw new Error('no token');
      L ??= new Layout((await loadScenario(src.scenario)).def, resolveOptions().limits);
      flows.push(flowSteps((await replayTrials(src.scenario, f.replay)).trials, L));
    } catch {
      flows.push(undefined);
    }
  }
  return { scenario: src.scenario, findings: src.findings, flows, properties: src.properties };
}

export async function writeSarif(file: string, sources: SarifSource[]): Promise<void> {
  const runs: SarifRunInput[] = [];
  for (const s of sources) runs.push(await sarifRun(s));
  writeFileSync(file, `${JSON.stringify(sarifLog(runs), null, 2)}\n`);
}
