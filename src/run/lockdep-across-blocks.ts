/**
 * Lockdep findings across blocks of trials run apart: the shards of a campaign, or the machines
 * of `--jobs N`. Each block's lockdep saw only its own trials, so a lock-order cycle (or an
 * irq-safety conflict) whose halves were first seen in different blocks was found by neither.
 * Every fact of the whole run's graph was first recorded by some trial, and that trial taught
 * its own block something new too, so it is in that block's lockdep history. Replaying all the
 * histories as one run, in trial order, rebuilds the whole run's graph with the same trials
 * recording the same facts: the findings it adds are the whole run's, with the same tokens.
 */
import { LOCKDEP_GRAPH_KINDS } from '../check/lockdep/index.ts';
import { encodeToken } from '../sched/token.ts';
import { loadScenario } from './load-scenario.ts';
import { replayTrials } from './replay.ts';
import type { Finding } from './result.ts';

type Blocks = { scenario: string; strategy: string; seed: number; findings: Finding[]; lockdepHistory?: string[] };

/** The graph findings of the blocks' histories replayed as one run that `r.findings` lacks. */
export async function lockdepAcrossBlocks(r: Blocks): Promise<Finding[]> {
  const history = r.lockdepHistory ?? [];
  if (history.length < 2) return [];
  const { def } = await loadScenario(r.scenario);
  const token = encodeToken({ strategy: r.strategy, seed: r.seed, cpus: def.cpus }, history);
  const replayed = await replayTrials(r.scenario, token);
  const known = new Set(r.findings.map((f) => f.signature));
  return replayed.findings
    .filter((f) => (LOCKDEP_GRAPH_KINDS as readonly string[]).includes(f.kind) && !known.has(f.signature))
    .map((f) => ({ ...f, count: 1 }));
}
