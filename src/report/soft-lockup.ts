/**
 * Stress mode's lockup report, in the kernel watchdog's shape ("BUG: soft lockup - CPU#1 stuck
 * for 2s! [comm:pid]"), with every CPU's wait-for state (who holds what, who spins on what),
 * the interleaving as far as the event log shows, and what controlled mode made of it.
 */
import { Ctx, EV_WORDS, F_CPU, F_CTX, F_OBJ, F_OP, Op } from '../machine/events.ts';
import type { Layout } from '../machine/layout.ts';
import type { CpuWaitState, Lockup } from '../machine/stress-machine.ts';
import { scenarioTable, type TableRow } from './format.ts';

const RULE = '='.repeat(66);
/** rows of the interleaving table at most (the last ones) */
const MAX_ROWS = 24;

function comm(L: Layout, pid: number, cpu: number): string {
  return `${L.comm(pid, cpu)}:${pid}`;
}

function who(L: Layout, kind: number, pid: number, nr: number, cpu: number): string {
  if (kind === Ctx.HARDIRQ) return `irq ${L.lines[nr]?.irq ?? '?'} (${L.lines[nr]?.name ?? '?'}) handler`;
  if (kind === Ctx.SOFTIRQ) return 'softirq';
  return comm(L, pid, cpu).replace(':', '/');
}

/** CPU each lock is held by. */
function holders(cpus: CpuWaitState[]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const s of cpus) for (const h of s.held) out.set(h.obj, [...(out.get(h.obj) ?? []), s.cpu]);
  return out;
}

/** A cycle in the wait-for graph (CPU → CPUs holding what it spins on), or null. */
export function waitCycle(cpus: CpuWaitState[]): number[] | null {
  const held = holders(cpus);
  const next = new Map<number, number[]>();
  for (const s of cpus) {
    const w = s.contexts.at(-1)?.waitObj ?? -1;
    if (w >= 0) next.set(s.cpu, held.get(w) ?? []);
  }
  for (const start of next.keys()) {
    const path = [start];
    const seen = new Set(path);
    for (let c = start; ; ) {
      const n = next.get(c)?.[0];
      if (n === undefined) break;
      if (n === start) return [...path, start];
      if (seen.has(n)) break;
      path.push(n);
      seen.add(n);
      c = n;
    }
  }
  return null;
}

function cpuLines(L: Layout, s: CpuWaitState, held: Map<number, number[]>): string[] {
  const out: string[] = [];
  if (s.contexts.length === 0) return [` CPU${s.cpu}: idle`];
  s.contexts.forEach((c, d) => {
    const head = d === 0 ? ` CPU${s.cpu}: ` : `        interrupted by `;
    let text = `${head}${who(L, c.kind, c.pid, c.nr, s.cpu)}`;
    if (c.waitObj >= 0) {
      const by = (held.get(c.waitObj) ?? []).map((h) => (h === s.cpu ? `CPU${h} itself` : `CPU${h}`));
      text += ` spins on lock ${L.objName(c.waitObj)}${by.length ? `, held by ${by.join(' and ')}` : ''}`;
    } else text += ' is running';
    out.push(text);
    s.held.filter((h) => h.ctx === d).forEach((h, i) => out.push(`          holds #${i}: (${L.objName(h.obj)})`));
  });
  if (s.irqsOff) out.push('          irqs disabled');
  return out;
}

/** Lock events of the stuck trial, one column per CPU, the last MAX_ROWS of them. */
function interleaving(L: Layout, lockup: Lockup): string[] {
  const w = lockup.events.words;
  const rows: TableRow[] = [];
  const inIrq = new Set<number>();
  for (let i = 0; i < lockup.events.length; i++) {
    const at = i * EV_WORDS;
    const op = w[at + F_OP];
    const cpu = w[at + F_CPU]!;
    const name = L.objName(w[at + F_OBJ]!);
    let text: string;
    if (op === Op.LOCK_ACQUIRE) text = `lock(${name});`;
    else if (op === Op.LOCK_RELEASE) text = `unlock(${name});`;
    else if (op === Op.LOCK_CONTENDED) text = `lock(${name});  <- spins`;
    else if (op === Op.IRQ_ENTER) text = '<Interrupt>';
    else continue;
    if (op === Op.IRQ_ENTER) inIrq.add(cpu);
    rows.push({ col: cpu, text: w[at + F_CTX] !== Ctx.TASK && op !== Op.IRQ_ENTER ? `  ${text}` : text });
  }
  const headers = Array.from({ length: L.ncpus }, (_, c) => `CPU${c}`);
  const shown = rows.slice(-MAX_ROWS);
  const out = [
    ` The interleaving, as far as the event log shows${rows.length > shown.length ? ` (its last ${shown.length} lock events):` : ':'}`,
    '',
  ];
  return [...out, ...scenarioTable(headers, shown)];
}

export function softLockupTitle(L: Layout, lockup: Lockup): string {
  const s = lockup.cpus.find((c) => c.stuck)!;
  const ctx = s.contexts.at(-1);
  return `BUG: soft lockup - CPU#${s.cpu} stuck for ${Math.max(1, Math.round(lockup.stuckMs / 1000))}s! [${ctx ? comm(L, ctx.pid, s.cpu) : `${L.comm(0, s.cpu)}:0`}]`;
}

export function renderSoftLockup(L: Layout, lockup: Lockup, controlled: string[]): string {
  const held = holders(lockup.cpus);
  const secs = Math.max(1, Math.round(lockup.stuckMs / 1000));
  const out = [RULE];
  for (const s of lockup.cpus.filter((c) => c.stuck)) {
    const ctx = s.contexts.at(-1);
    out.push(
      `BUG: soft lockup - CPU#${s.cpu} stuck for ${secs}s! [${ctx ? comm(L, ctx.pid, s.cpu) : `${L.comm(0, s.cpu)}:0`}]`,
    );
  }
  out.push('', 'Wait-for state of every CPU:');
  for (const s of lockup.cpus) out.push(...cpuLines(L, s, held));
  const cycle = waitCycle(lockup.cpus);
  out.push('');
  if (cycle)
    out.push(`The wait-for graph has a cycle: ${cycle.map((c) => `CPU${c}`).join(' -> ')}`, ' *** DEADLOCK ***', '');
  out.push(...interleaving(L, lockup), '', ...controlled, RULE);
  return out.join('\n');
}
