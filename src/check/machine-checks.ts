/**
 * Findings the machine itself establishes at the end of a trial: an exact deadlock (some
 * unfinished context, none enabled), the scenario's check() or BUG_ON/WARN_ON failing, a task
 * or handler throwing, a runaway trial, and tasks that return holding locks or with irqs off /
 * a preempt count left over.
 */
import { Ctx, CTX_NAMES, F_A, F_CPU, F_CTX, F_FLAGS, F_OBJ, F_OP, F_PCOUNT, F_SITE, F_TID, EV_WORDS, EvFlag, Op } from '../machine/events.ts';
import { TrialState, type Layout } from '../machine/layout.ts';
import type { CpuSnapshot, Detector, EventRef, RawFinding, TrialInfo } from './detector.ts';

export interface BlockedContext {
  cpu: number;
  kind: number;
  pid: number;
  /** irq line for hardirq contexts */
  nr: number;
  waitObj: number;
  waitRef: EventRef;
  /** locks this context holds */
  held: { obj: number; ref: EventRef }[];
  /** locks held by contexts it interrupted on the same CPU */
  heldBelow: { obj: number; ref: EventRef }[];
  /** who holds what it waits for: "cpu1" or "cpu0 (the code it interrupted)" */
  holders: { cpu: number; depth: number; pid: number }[];
  depth: number;
}

export type MachineData =
  | { type: 'deadlock'; blocked: BlockedContext[] }
  | { type: 'check'; message: string }
  | { type: 'bug'; message: string; cpu: number }
  | { type: 'warn'; cpu: number; pid: number }
  | { type: 'exception'; message: string; cpu: number }
  | { type: 'step-limit'; events: number; cpu: number }
  | { type: 'lock-held-at-exit'; cpu: number; pid: number; held: { obj: number; ref: EventRef }[] }
  | { type: 'irq-state-leak'; cpu: number; pid: number; irqsOff: boolean; pcount: number }
  | { type: 'mismatch' };

export const MACHINE = 'machine';

function finding(kind: RawFinding['kind'], signature: string, title: string, data: MachineData, extra: Partial<RawFinding> = {}): RawFinding {
  return { kind, signature, title, cpus: [], locks: [], refs: [], detector: MACHINE, data, ...extra };
}

/** Every context that waits, with what it holds and who holds what it waits for. */
export function blockedContexts(cpus: CpuSnapshot[], trial: number): BlockedContext[] {
  const out: BlockedContext[] = [];
  for (const s of cpus) {
    s.contexts.forEach((c, depth) => {
      if (c.waitObj < 0) return;
      const holders: BlockedContext['holders'] = [];
      for (const t of cpus) {
        for (const h of t.held) if (h.obj === c.waitObj) holders.push({ cpu: t.cpu, depth: h.ctx, pid: t.contexts[h.ctx]?.pid ?? 0 });
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

function deadlock(t: TrialInfo): RawFinding {
  const L = t.layout;
  // a kworker waiting for work is idle, not stuck
  const blocked = blockedContexts(t.end.cpus, t.index).filter((b) => L.objects[b.waitObj]?.kind !== 'workqueue');
  const sig = blocked
    .map((b) => `${CTX_NAMES[b.kind]}:${L.objName(b.waitObj)}<-${[...b.heldBelow, ...b.held].map((h) => L.objName(h.obj)).join(',')}`)
    .sort()
    .join('|');
  const locks = [...new Set(blocked.flatMap((b) => [b.waitObj, ...b.held.map((h) => h.obj), ...b.heldBelow.map((h) => h.obj)]))].map((o) => L.objName(o));
  const refs = blocked.flatMap((b) => [...b.heldBelow.map((h) => h.ref), ...b.held.map((h) => h.ref), b.waitRef]);
  return finding('deadlock', `deadlock:${sig}`, 'WARNING: deadlock: no CPU can make progress', { type: 'deadlock', blocked }, {
    cpus: [...new Set(blocked.map((b) => b.cpu))].sort((a, b) => a - b),
    locks,
    refs,
  });
}

/** Locks a task still held when it returned, from the events of its CPU's task context. */
function heldAtTaskEnd(t: TrialInfo, cpu: number, endSeq: number): { obj: number; ref: EventRef }[] {
  const w = t.events.words;
  const held: { obj: number; ref: EventRef }[] = [];
  for (let i = 0; i < endSeq; i++) {
    const at = i * EV_WORDS;
    if (w[at + F_CPU] !== cpu || w[at + F_CTX] !== Ctx.TASK) continue;
    const op = w[at + F_OP];
    if (op === Op.LOCK_ACQUIRE) held.push({ obj: w[at + F_OBJ]!, ref: { trial: t.index, seq: i } });
    else if (op === Op.LOCK_RELEASE) {
      const k = held.map((h) => h.obj).lastIndexOf(w[at + F_OBJ]!);
      if (k >= 0) held.splice(k, 1);
    }
  }
  return held;
}

function taskEnds(t: TrialInfo, report: (f: RawFinding) => void): void {
  const w = t.events.words;
  const L: Layout = t.layout;
  for (let i = 0; i < t.events.length; i++) {
    const at = i * EV_WORDS;
    const op = w[at + F_OP];
    if (op === Op.WARN) {
      const cpu = w[at + F_CPU]!;
      report(
        finding('assertion', `warn:${t.text(w[at + F_A]!)}`, `WARNING: CPU: ${cpu} PID: ${w[at + F_TID]} at ${t.text(w[at + F_A]!).split('\t')[0]}`, {
          type: 'warn',
          cpu,
          pid: w[at + F_TID]!,
        }, { cpus: [cpu], refs: [{ trial: t.index, seq: i }] }),
      );
      continue;
    }
    if (op !== Op.TASK_END) continue;
    const cpu = w[at + F_CPU]!;
    const pid = w[at + F_TID]!;
    const name = L.taskName(pid);
    if (w[at + F_A]! > 0) {
      const held = heldAtTaskEnd(t, cpu, i);
      const names = held.map((h) => L.objName(h.obj));
      report(
        finding('lock-held-at-exit', `lock-held-at-exit:${name}:${names.join(',')}`, 'WARNING: lock held when returning to user space!', {
          type: 'lock-held-at-exit',
          cpu,
          pid,
          held,
        }, { cpus: [cpu], locks: names, refs: [...held.map((h) => h.ref), { trial: t.index, seq: i }] }),
      );
      continue;
    }
    const irqsOff = (w[at + F_FLAGS]! & EvFlag.IRQS_DISABLED) !== 0;
    const pcount = w[at + F_PCOUNT]!;
    if (irqsOff || pcount !== 0) {
      report(
        finding('irq-state-leak', `irq-state-leak:${name}:${irqsOff ? 'irqs-off' : ''}:${pcount}`,
          irqsOff ? 'WARNING: task returned with interrupts disabled' : 'BUG: task returned with a non-zero preempt count', {
            type: 'irq-state-leak',
            cpu,
            pid,
            irqsOff,
            pcount,
          }, { cpus: [cpu], refs: [{ trial: t.index, seq: i }] }),
      );
    }
  }
}

export function createMachineChecks(): Detector {
  return {
    name: MACHINE,
    onTrial(t, report) {
      const end = t.end;
      switch (end.state) {
        case TrialState.DEADLOCK:
          report(deadlock(t));
          break;
        case TrialState.EXCEPTION:
          report(finding('exception', `exception:${end.message}`, `BUG: unhandled exception on CPU ${end.cpu}`, {
            type: 'exception',
            message: end.message,
            cpu: end.cpu,
          }, { cpus: [end.cpu] }));
          break;
        case TrialState.BUG:
          report(finding('assertion', `bug:${end.message}`, end.message.replace(/ \(.*\)$/, ''), { type: 'bug', message: end.message, cpu: end.cpu }, {
            cpus: [end.cpu],
            refs: end.seq >= 0 ? [{ trial: t.index, seq: end.seq }] : [],
          }));
          break;
        case TrialState.STEP_LIMIT:
          // a cap of the tool, not a verdict on the code: a warning that names the cap
          report(finding('trial-too-long', 'step-limit', `WARNING: trial ran past --max-events (${t.layout.limits.maxEvents} events) and was cut short`, {
            type: 'step-limit',
            events: t.layout.limits.maxEvents,
            cpu: end.cpu,
          }, { cpus: [end.cpu] }));
          break;
        case TrialState.MISMATCH:
          report(finding('exception', 'replay-mismatch', 'replay token does not match this scenario', { type: 'mismatch' }));
          return;
      }
      if (end.checkFailure !== undefined) {
        report(finding('assertion', 'check', `check failed: ${end.checkFailure}`, { type: 'check', message: end.checkFailure }));
      }
      taskEnds(t, report);
    },
  };
}

export { F_SITE };
