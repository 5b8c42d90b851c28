/**
 * Who waits for whom when a trial cannot go on: every waiting context with what it holds and
 * who holds what it waits for, the CPUs on a wait-for cycle, and what the other CPUs ran last.
 * The deadlock, hung-task and runaway-trial reports are drawn from these.
 */
import { EV_WORDS, F_CPU, F_CTX, F_OP, F_TID, Op } from '../machine/events.ts';
import { objectKind } from '../machine/object-kinds.ts';
import type { CpuSnapshot, EventRef, TrialInfo } from './detector.ts';
import type { HeldLock } from './held-locks.ts';

export interface BlockedContext {
  cpu: number;
  kind: number;
  pid: number;
  /** irq line for hardirq contexts */
  nr: number;
  waitObj: number;
  waitRef: EventRef;
  /** locks this context holds */
  held: HeldLock[];
  /** locks held by contexts it interrupted on the same CPU */
  heldBelow: HeldLock[];
  /** who holds what it waits for: "cpu1" or "cpu0 (the code it interrupted)" */
  holders: { cpu: number; depth: number; pid: number }[];
  depth: number;
}

/** A CPU not in the wait-for cycle: what it ran last, and where. */
export interface CpuLastEvent {
  cpu: number;
  pid: number;
  kind: number;
  ref: EventRef;
  /** its task had returned */
  done: boolean;
}

/** The last event of every CPU not in `skip` (a deadlock's other CPUs may go on running). */
export function lastEvents(t: TrialInfo, skip: Set<number>): CpuLastEvent[] {
  const w = t.events.words;
  const out = new Map<number, CpuLastEvent>();
  for (let i = t.events.length - 1; i >= 0 && out.size + skip.size < t.layout.ncpus; i--) {
    const cpu = w[i * EV_WORDS + F_CPU]!;
    if (skip.has(cpu) || out.has(cpu)) continue;
    const done = w[i * EV_WORDS + F_OP] === Op.TASK_END;
    out.set(cpu, {
      cpu,
      pid: w[i * EV_WORDS + F_TID]!,
      kind: w[i * EV_WORDS + F_CTX]!,
      ref: { trial: t.index, seq: i },
      done,
    });
  }
  return [...out.values()].sort((a, b) => a.cpu - b.cpu);
}

export function blockedContexts(cpus: CpuSnapshot[], trial: number): BlockedContext[] {
  const out: BlockedContext[] = [];
  for (const s of cpus) {
    s.contexts.forEach((c, depth) => {
      if (c.waitObj < 0) return;
      const holders: BlockedContext['holders'] = [];
      for (const t of cpus) {
        for (const h of t.held)
          if (h.obj === c.waitObj) holders.push({ cpu: t.cpu, depth: h.ctx, pid: t.contexts[h.ctx]?.pid ?? 0 });
      }
      out.push({
        cpu: s.cpu,
        kind: c.kind,
        pid: c.pid,
        nr: c.nr,
        depth,
        waitObj: c.waitObj,
        waitRef: { trial, seq: c.waitSeq },
        held: s.held.filter((h) => h.ctx === depth).map((h) => ({ obj: h.obj, ref: { trial, seq: h.seq } })),
        heldBelow: s.held.filter((h) => h.ctx < depth).map((h) => ({ obj: h.obj, ref: { trial, seq: h.seq } })),
        holders,
      });
    });
  }
  return out;
}

/** The waiting contexts, but for kernel threads idle in their loop (a kworker with no work). */
export function stuckContexts(t: TrialInfo): BlockedContext[] {
  const L = t.layout;
  return blockedContexts(t.end.cpus, t.index).filter((b) => {
    const o = L.objects[b.waitObj];
    return !o || objectKind(o.kind).idle !== true;
  });
}

/** The CPUs on the wait-for cycle (all the waiting ones when there is none). */
export function cycleCpus(blocked: BlockedContext[]): number[] {
  const waitsOn = new Map<number, number[]>();
  for (const b of blocked) waitsOn.set(b.cpu, [...(waitsOn.get(b.cpu) ?? []), ...b.holders.map((h) => h.cpu)]);
  const onCycle = new Set<number>();
  for (const start of waitsOn.keys()) {
    const seen: number[] = [];
    let at: number | undefined = start;
    while (at !== undefined && !seen.includes(at)) {
      seen.push(at);
      at = waitsOn.get(at)?.[0];
    }
    if (at !== undefined) for (const c of seen.slice(seen.indexOf(at))) onCycle.add(c);
  }
  const all = [...new Set(blocked.map((b) => b.cpu))];
  return (onCycle.size ? [...onCycle] : all).sort((a, b) => a - b);
}
