/** What a run hands its caller: the JSON shape of `smpsim run --json`. */
import type { FindingKind } from '../check/finding-kinds.ts';
import type { FindingMessage } from '../machine/batch-task.ts';
import type { Layout } from '../machine/layout.ts';

export interface Finding {
  kind: FindingKind;
  signature: string;
  title: string;
  cpus: number[];
  locks: string[];
  /** call sites in the scenario, file.ts:line */
  sites: string[];
  /** schedule token: `smpsim replay <scenario> <token>` reproduces it */
  replay: string;
  firstTrial: number;
  count: number;
  /** the full report, in the kernel's shapes, ending with the replay command */
  report: string;
}

/** One row of the /proc/interrupts-like table: deliveries of a line per CPU. */
export interface InterruptRow {
  irq: number;
  name: string;
  perCpu: number[];
}

export interface ExploreResult {
  scenario: string;
  strategy: string;
  seed: number;
  trials: number;
  elapsedMs: number;
  findings: Finding[];
  interrupts: InterruptRow[];
  /** baton hand-offs between CPUs over the run (context switches) */
  switches: number;
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
  return L.lines.map((l) => ({ irq: l.irq, name: l.name, perCpu: counts?.[l.index] ?? new Array<number>(L.ncpus).fill(0) }));
}

export function addCounts(into: number[][], from: number[][] | undefined): void {
  from?.forEach((row, l) => row.forEach((n, c) => (into[l]![c]! += n)));
}

/** /proc/interrupts: one column per CPU, one row per line. */
export function formatInterrupts(rows: InterruptRow[], ncpus: number): string {
  if (!rows.length) return '';
  const head = '     ' + Array.from({ length: ncpus }, (_, c) => `CPU${c}`.padStart(11)).join('');
  const lines = rows.map((r) => `${String(r.irq).padStart(3)}: ${r.perCpu.map((n) => String(n).padStart(10)).join(' ')}   ${r.name}`);
  return [head, ...lines].join('\n');
}
