/**
 * Findings the machine itself establishes at the end of a trial: an exact deadlock (some
 * unfinished context, none enabled), the scenario's check() or BUG_ON/WARN_ON failing, a task
 * or handler throwing, a runaway trial, and tasks that return holding locks or with irqs off /
 * a preempt count left over.
 */
import {
  CTX_NAMES,
  F_A,
  F_B,
  F_CPU,
  F_FLAGS,
  F_FN,
  F_OBJ,
  F_OP,
  F_PCOUNT,
  F_TID,
  EV_WORDS,
  EvFlag,
  KFN_NAMES,
  Op,
  WarnReason,
  kfn,
} from '../machine/events.ts';
import { TrialState, type Layout } from '../machine/layout.ts';
import { HeldLocks, type HeldLock } from './held-locks.ts';
import { type BlockedContext, type CpuLastEvent, cycleCpus, lastEvents, stuckContexts } from './wait-for.ts';

import { allHeldLocks, isHungTask, type SystemLock } from './hung-task.ts';
import { findingKinds, type Detector, type RawFinding, type TrialInfo } from './detector.ts';

export type MachineData =
  | { type: 'deadlock'; blocked: BlockedContext[]; others: CpuLastEvent[] }
  | { type: 'hung-task'; blocked: BlockedContext[]; locks: SystemLock[] }
  | { type: 'check'; message: string; trial: number }
  | { type: 'bug'; message: string; cpu: number }
  | { type: 'warn'; cpu: number; pid: number; message?: string }
  | { type: 'lockdep-assert'; cpu: number; pid: number; assertion: string }
  | { type: 'preemptible-cpu-access'; cpu: number; pid: number; what: string; site: string }
  | { type: 'exception'; message: string; cpu: number }
  | { type: 'step-limit'; events: number; cpu: number; last: CpuLastEvent[]; blocked: BlockedContext[] }
  | { type: 'lock-held-at-exit'; cpu: number; pid: number; held: HeldLock[] }
  | { type: 'irq-state-leak'; cpu: number; pid: number; irqsOff: boolean; pcount: number }
  | { type: 'mismatch' };

export const MACHINE = 'machine';
export const MACHINE_KINDS = findingKinds([
  'deadlock',
  'hung-task',
  'assertion',
  'exception',
  'lock-held-at-exit',
  'irq-state-leak',
  'trial-too-long',
  'lockdep-assert',
  'preemptible-cpu-access',
]);
type MachineKind = (typeof MACHINE_KINDS)[number];
type MachineFinding = RawFinding<MachineData, MachineKind>;

function finding(
  kind: MachineKind,
  signature: string,
  title: string,
  data: MachineData,
  extra: Partial<MachineFinding> = {},
): MachineFinding {
  return { kind, signature, title, cpus: [], locks: [], refs: [], detector: MACHINE, data, ...extra };
}

/** Every context that waits, with what it holds and who holds what it waits for. */
function deadlock(t: TrialInfo): MachineFinding {
  const L = t.layout;
  const blocked = stuckContexts(t);
  const sig = blocked
    .map(
      (b) =>
        `${CTX_NAMES[b.kind]}:${L.objName(b.waitObj)}<-${[...b.heldBelow, ...b.held].map((h) => L.objName(h.obj)).join(',')}`,
    )
    .sort()
    .join('|');
  const locks = [
    ...new Set(blocked.flatMap((b) => [b.waitObj, ...b.held.map((h) => h.obj), ...b.heldBelow.map((h) => h.obj)])),
  ].map((o) => L.objName(o));
  const refs = blocked.flatMap((b) => [...b.heldBelow.map((h) => h.ref), ...b.held.map((h) => h.ref), b.waitRef]);
  if (isHungTask(L, blocked)) {
    const held = allHeldLocks(t.end.cpus, t.index);
    const names = blocked.map((b) => `${L.taskName(b.pid)}:${L.objName(b.waitObj)}`).sort();
    return finding(
      'hung-task',
      `hung-task:${names.join('|')}`,
      `INFO: task ${L.taskName(blocked[0]!.pid)}:${blocked[0]!.pid} blocked for more than 120 seconds.`,
      {
        type: 'hung-task',
        blocked,
        locks: held,
      },
      {
        cpus: [...new Set(blocked.map((b) => b.cpu))].sort((a, b) => a - b),
        locks: [...new Set(held.map((h) => L.objName(h.obj)))],
        refs: [...held.map((h) => h.ref), ...blocked.map((b) => b.waitRef)],
      },
    );
  }
  const cpus = cycleCpus(blocked);
  const others = lastEvents(t, new Set(blocked.map((b) => b.cpu)));
  return finding(
    'deadlock',
    `deadlock:${sig}`,
    'WARNING: deadlock: no CPU can make progress',
    { type: 'deadlock', blocked, others },
    {
      cpus,
      locks,
      refs: [...refs, ...others.map((o) => o.ref)],
    },
  );
}

/**
 * The CPUs on a wait-for cycle: a context waits for a lock its holder's CPU cannot release
 * (the holder waits in turn, or is code the waiter interrupted). A CPU merely queued behind
 * the cycle is blocked too, and its report says so, but it is not part of the deadlock.
 */
/** Locks a task still held when it returned: the held-lock record just before its TASK_END. */
function heldAtTaskEnd(t: TrialInfo, held: HeldLocks, cpu: number, pid: number, endSeq: number): HeldLock[] {
  const w = t.events.words;
  held.begin(t.layout, t.index);
  for (let i = 0; i < endSeq; i++) held.follow(w, i * EV_WORDS, i);
  return held.heldByTask(cpu, pid);
}

/** A failed lockdep_assert_*(): the kernel's WARN at the caller's line, naming the assertion. */
function lockdepAssert(t: TrialInfo, seq: number, at: number): MachineFinding {
  const w = t.events.words;
  const cpu = w[at + F_CPU]!;
  const pid = w[at + F_TID]!;
  const obj = w[at + F_OBJ]!;
  const site = t.text(w[at + F_A]!).split('\t')[0];
  const assertion = `${KFN_NAMES[w[at + F_FN]!]}(${obj >= 0 ? t.layout.objName(obj) : ''})`;
  return finding(
    'lockdep-assert',
    `lockdep-assert:${assertion}:${site}`,
    `WARNING: CPU: ${cpu} PID: ${pid} at ${site}`,
    {
      type: 'lockdep-assert',
      cpu,
      pid,
      assertion,
    },
    { cpus: [cpu], locks: obj >= 0 ? [t.layout.objName(obj)] : [], refs: [{ trial: t.index, seq }] },
  );
}

/** lib/smp_processor_id.c's report: "BUG: using smp_processor_id() in preemptible [00000000] code: comm/pid". */
function preemptibleAccess(t: TrialInfo, seq: number, at: number): MachineFinding {
  const w = t.events.words;
  const cpu = w[at + F_CPU]!;
  const pid = w[at + F_TID]!;
  const what = KFN_NAMES[w[at + F_FN]!]!;
  const site = t.text(w[at + F_A]!).split('\t')[0]!;
  const pcount = w[at + F_PCOUNT]!;
  const title = `BUG: using ${what}() in preemptible [${pcount.toString(16).padStart(8, '0')}] code: ${t.layout.comm(pid, cpu)}/${pid}`;
  return finding(
    'preemptible-cpu-access',
    `preemptible-cpu-access:${what}:${site}`,
    title,
    {
      type: 'preemptible-cpu-access',
      cpu,
      pid,
      what,
      site,
    },
    { cpus: [cpu], refs: [{ trial: t.index, seq }] },
  );
}

const FN_ENABLE_IRQ = kfn('enable_irq');

/** The message of a WARN the kernel itself raises (rather than the scenario's WARN_ON). */
function kernelWarning(L: Layout, fn: number, obj: number): string | undefined {
  if (fn === FN_ENABLE_IRQ) return `Unbalanced enable for IRQ ${L.lines[L.objects[obj]?.index ?? -1]?.irq ?? '?'}`;
  return undefined;
}

function taskEnds(t: TrialInfo, held: HeldLocks, report: (f: MachineFinding) => void): void {
  const w = t.events.words;
  const L: Layout = t.layout;
  for (let i = 0; i < t.events.length; i++) {
    const at = i * EV_WORDS;
    const op = w[at + F_OP];
    if (op === Op.WARN && w[at + F_B] === WarnReason.LOCKDEP_ASSERT) {
      report(lockdepAssert(t, i, at));
      continue;
    }
    if (op === Op.WARN && w[at + F_B] === WarnReason.DEBUG_PREEMPT) {
      report(preemptibleAccess(t, i, at));
      continue;
    }
    if (op === Op.WARN) {
      const cpu = w[at + F_CPU]!;
      report(
        finding(
          'assertion',
          `warn:${t.text(w[at + F_A]!)}`,
          `WARNING: CPU: ${cpu} PID: ${w[at + F_TID]} at ${t.text(w[at + F_A]!).split('\t')[0]}`,
          {
            type: 'warn',
            cpu,
            pid: w[at + F_TID]!,
            message: kernelWarning(L, w[at + F_FN]!, w[at + F_OBJ]!),
          },
          { cpus: [cpu], refs: [{ trial: t.index, seq: i }] },
        ),
      );
      continue;
    }
    if (op !== Op.TASK_END) continue;
    const cpu = w[at + F_CPU]!;
    const pid = w[at + F_TID]!;
    const name = L.taskName(pid);
    if (w[at + F_A]! > 0) {
      const locks = heldAtTaskEnd(t, held, cpu, pid, i);
      const names = locks.map((h) => L.objName(h.obj));
      report(
        finding(
          'lock-held-at-exit',
          `lock-held-at-exit:${name}:${names.join(',')}`,
          'WARNING: lock held when returning to user space!',
          {
            type: 'lock-held-at-exit',
            cpu,
            pid,
            held: locks,
          },
          { cpus: [cpu], locks: names, refs: [...locks.map((h) => h.ref), { trial: t.index, seq: i }] },
        ),
      );
      continue;
    }
    const irqsOff = (w[at + F_FLAGS]! & EvFlag.IRQS_DISABLED) !== 0;
    const pcount = w[at + F_PCOUNT]!;
    if (irqsOff || pcount !== 0) {
      report(
        finding(
          'irq-state-leak',
          `irq-state-leak:${name}:${irqsOff ? 'irqs-off' : ''}:${pcount}`,
          irqsOff
            ? 'WARNING: task returned with interrupts disabled'
            : 'BUG: task returned with a non-zero preempt count',
          {
            type: 'irq-state-leak',
            cpu,
            pid,
            irqsOff,
            pcount,
          },
          { cpus: [cpu], refs: [{ trial: t.index, seq: i }] },
        ),
      );
    }
  }
}

export function createMachineChecks(): Detector<MachineData, MachineKind> {
  const held = new HeldLocks();
  let checkFailed: MachineFinding | undefined;
  return {
    name: MACHINE,
    onTrial(t, report) {
      const end = t.end;
      switch (end.state) {
        case TrialState.DEADLOCK:
          report(deadlock(t));
          break;
        case TrialState.EXCEPTION:
          report(
            finding(
              'exception',
              `exception:${end.message}`,
              `BUG: unhandled exception on CPU ${end.cpu}`,
              {
                type: 'exception',
                message: end.message,
                cpu: end.cpu,
              },
              { cpus: [end.cpu] },
            ),
          );
          break;
        case TrialState.BUG:
          report(
            finding(
              'assertion',
              `bug:${end.message}`,
              end.message.replace(/ \(.*\)$/, ''),
              { type: 'bug', message: end.message, cpu: end.cpu },
              {
                cpus: [end.cpu],
                refs: end.seq >= 0 ? [{ trial: t.index, seq: end.seq }] : [],
              },
            ),
          );
          break;
        case TrialState.STEP_LIMIT:
          // a cap of the tool, not a verdict on the code: a warning that names the cap
          {
            // each CPU's state and last call site: what a livelock is made of
            const last = lastEvents(t, new Set());
            const blocked = stuckContexts(t);
            report(
              finding(
                'trial-too-long',
                'step-limit',
                `WARNING: trial ran past --max-events (${t.layout.limits.maxEvents} events) and was cut short`,
                {
                  type: 'step-limit',
                  events: t.layout.limits.maxEvents,
                  cpu: end.cpu,
                  last,
                  blocked,
                },
                { cpus: [end.cpu], refs: [...last.map((l) => l.ref), ...blocked.map((b) => b.waitRef)] },
              ),
            );
          }
          break;
        case TrialState.MISMATCH:
          report(
            finding('exception', 'replay-mismatch', 'replay token does not match this scenario', { type: 'mismatch' }),
          );
          return;
      }
      if (end.checkFailure !== undefined) {
        // one signature for every failing trial: the finding made at the first is handed on
        // again (only its count grows), not rebuilt with each trial's message
        checkFailed ??= finding('assertion', 'check', `check failed: ${end.checkFailure}`, {
          type: 'check',
          message: end.checkFailure,
          trial: t.index,
        });
        report(checkFailed);
      }
      taskEnds(t, held, report);
    },
  };
}
