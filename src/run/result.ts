/** What a run hands its caller: the JSON shape of `smpsim run --json`. */
import type { FindingMessage } from './batch-task.ts';
import type { Layout } from '../machine/layout.ts';
import type { Exhaustive } from '../sched/dpor.ts';
import { renderStuck, stuckTitle, type Stuck } from '../report/stuck.ts';

/** A finding as runs return it and reports (text, JSON, SARIF) show it: its home is the report layer. */
export type { Finding } from '../report/finding.ts';
import type { Finding } from '../report/finding.ts';

/** One row of the /proc/interrupts-like table: deliveries of a line per CPU. */
export interface InterruptRow {
  irq: number;
  name: string;
  perCpu: number[];
}

export interface ExploreResult {
  scenario: string;
  strategy: string;
  /** the memory model the trials ran under: 'sc', 'tso' or 'weak' */
  memory?: string;
  seed: number;
  /** trials run */
  trials: number;
  /** the first trial number run, when not 0 (a shard or a resumed campaign) */
  firstTrial?: number;
  elapsedMs: number;
  findings: Finding[];
  interrupts: InterruptRow[];
  /** baton hand-offs between CPUs over the run (context switches) */
  switches: number;
  /** stopped before its trials were done (a signal): the findings are those made so far */
  interrupted?: true;
  /** dpor runs: whether every execution was explored, and how many it took */
  exhaustive?: Exhaustive;
  /**
   * The schedule segments of the trials lockdep learned from, oldest first. A shard keeps them
   * in its JSON so that `smpsim merge` can replay them as one run and find the lock-order
   * cycles whose halves were seen in different shards.
   */
  lockdepHistory?: string[];
}

export function findingFrom(msg: FindingMessage): Finding {
  const f = msg.finding;
  return {
    kind: f.kind,
    signature: f.signature,
    title: f.title,
    cpus: f.cpus,
    locks: f.locks,
    sites: msg.sites ?? [],
    replay: msg.replay,
    firstTrial: msg.trial,
    count: 1,
    report: msg.report ?? '',
  };
}

export function interruptRows(L: Layout, counts: number[][] | undefined): InterruptRow[] {
  return L.lines.map((l) => ({
    irq: l.irq,
    name: l.name,
    perCpu: counts?.[l.index] ?? new Array<number>(L.ncpus).fill(0),
  }));
}

export function addCounts(into: number[][], from: number[][] | undefined): void {
  from?.forEach((row, l) => row.forEach((n, c) => (into[l]![c]! += n)));
}

/** /proc/interrupts: one column per CPU, one row per line. */
export function formatInterrupts(rows: InterruptRow[], ncpus: number): string {
  if (!rows.length) return '';
  const head = '     ' + Array.from({ length: ncpus }, (_, c) => `CPU${c}`.padStart(11)).join('');
  const lines = rows.map(
    (r) => `${String(r.irq).padStart(3)}: ${r.perCpu.map((n) => String(n).padStart(10)).join(' ')}   ${r.name}`,
  );
  return [head, ...lines].join('\n');
}

/** A trial that could not finish (a hang or a dead worker) as a finding of kind `exception`. */
export function stuckFinding(path: string, token: string, trial: number, s: Stuck): Finding {
  const signature = 'hangMs' in s ? `hang:cpu${s.cpu}` : `crash:cpu${s.cpu}`;
  return {
    kind: 'exception',
    signature,
    title: stuckTitle(s),
    cpus: [s.cpu],
    locks: [],
    sites: [],
    replay: token,
    firstTrial: trial,
    count: 1,
    report: renderStuck(s, path, token),
  };
}

/**
 * One data race per unordered pair of call sites. Detectors tell accesses apart by their
 * position in the program (call sites are only known in replays), so a racy loop is one race
 * per pair of iterations until the reports, which have the sites, bring them together.
 */
export function mergeRacesByCallSite(findings: Finding[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Map<string, Finding>();
  for (const f of findings) {
    if (f.kind !== 'data-race' || f.sites.length === 0) {
      out.push(f);
      continue;
    }
    const key = `data-race:${[...f.sites].sort().join(' / ')}`;
    const first = seen.get(key);
    if (first) {
      // counts are trials; pairs of one call-site pair often race in the same trial, so the
      // merged count is the largest (a lower bound that never exceeds the trials), not the sum
      first.count = Math.max(first.count, f.count);
      continue;
    }
    f.signature = key;
    seen.set(key, f);
    out.push(f);
  }
  return out;
}
