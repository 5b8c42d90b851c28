/**
 * What the machine tells whoever closes a trial: how it ended, the state of every agent at the
 * end (who holds what, who waits for what), and its event log. Detectors read these (through
 * src/check/detector.ts); they are defined here, by the layer that produces them.
 */
import { C, CX, HL, type Layout } from './layout.ts';
import type { EventLog } from './events.ts';

/** What a CPU context was doing when the machine stopped (deadlock snapshots). */
export interface ContextSnapshot {
  kind: number; // Ctx.*
  pid: number;
  /** irq line index for hardirq contexts */
  nr: number;
  /** object waited for, -1 when running */
  waitObj: number;
  waitFlags: number;
  /** seq of the LOCK_CONTENDED / BLOCK event of that wait */
  waitSeq: number;
}

export interface HeldSnapshot {
  obj: number;
  flags: number;
  seq: number;
  /** index into the CPU's context stack of the context that took it */
  ctx: number;
}

export interface CpuSnapshot {
  cpu: number;
  irqsOff: boolean;
  pcount: number;
  contexts: ContextSnapshot[];
  held: HeldSnapshot[];
}

/** How a trial ended, read from the machine before it is reset. */
export interface TrialEnd {
  state: number; // TrialState.*
  cpu: number;
  /** exception or BUG message, when there is one */
  message: string;
  /** seq of the event that ended the trial, -1 when none */
  seq: number;
  /** per-CPU state at the end: who holds what, who waits for what */
  cpus: CpuSnapshot[];
  /** the scenario's check(): undefined when it passed or did not run */
  checkFailure?: string;
}

export interface TrialInfo {
  /** trial number within this run or replay (EventRef.trial) */
  index: number;
  layout: Layout;
  events: EventLog;
  end: TrialEnd;
  /** this trial's schedule as a token segment (computed on demand) */
  segment(): string;
  /** a string recorded in the trial (WARN sites …) by id */
  text(id: number): string;
}

/**
 * Agent a's contexts and held locks, read with Atomics so that another thread's view is whole
 * (the stress watchdog reads while CPUs run). `cpu` is the CPU the agent runs on.
 */
export function snapshotAgent(m: Int32Array, L: Layout, a: number): CpuSnapshot {
  const b = L.agentBlock(a);
  const contexts: ContextSnapshot[] = [];
  for (let d = 0; d < Atomics.load(m, b + C.NCTX); d++) {
    const e = L.ctxEntry(a, d);
    contexts.push({
      kind: m[e + CX.KIND]!,
      pid: m[e + CX.TID]!,
      nr: m[e + CX.NR]!,
      waitObj: Atomics.load(m, e + CX.WAIT_OBJ),
      waitFlags: m[e + CX.WAIT_FLAGS]!,
      waitSeq: m[e + CX.WAIT_SEQ]!,
    });
  }
  const held: HeldSnapshot[] = [];
  for (let i = 0; i < Atomics.load(m, b + C.HELD_N); i++) {
    const e = L.heldEntry(a, i);
    held.push({ obj: m[e + HL.OBJ]!, flags: m[e + HL.FLAGS]!, seq: m[e + HL.SEQ]!, ctx: m[e + HL.CTXI]! });
  }
  return { cpu: L.agentCpu(m, a), irqsOff: m[b + C.IRQS_OFF] !== 0, pcount: m[b + C.PCOUNT]!, contexts, held };
}
