/**
 * Footprints of the options at a decision (sched/footprint.ts says what they mean): for an
 * agent, what its scheduling point published in its block (C.NEXT_OBJ, C.NEXT_ACCESS); for an
 * interrupt, its line's pseudo object on the CPU it lands on; for a softirq run, that CPU;
 * for an early wake-up or a fault, everything (rare, and always sound); for a buffered store
 * draining, a write of its location on its CPU (dependent with every access to that location,
 * and with its own CPU's steps, which read and fill that buffer); for a read's data choice,
 * the read's own footprint.
 *
 * Only a partial-order strategy asks for them, so random and PCT never pay for this.
 */
import { C, type Layout } from './layout.ts';
import type { CpuRuntime } from './runtime.ts';
import { Access } from '../sched/footprint.ts';
import {
  END_OPTION,
  SOFTIRQ_LINE,
  TIMER_LINE,
  flushSeq,
  isFlushOption,
  isIrqOption,
  isValueOption,
  optionCpu,
  optionLine,
  type Decision,
} from '../sched/strategy.ts';

type Filled = Pick<Decision, 'options' | 'n' | 'objs' | 'access' | 'cpus'>;

export function fillFootprints(rt: CpuRuntime, d: Filled): void {
  const m = rt.m;
  const L = rt.L;
  for (let i = 0; i < d.n; i++) {
    const o = d.options[i]!;
    if (o >= 0 && o < L.nagents) {
      const b = L.agentBlock(o);
      d.objs[i] = m[b + C.NEXT_OBJ]!;
      d.access[i] = m[b + C.NEXT_ACCESS]!;
      d.cpus[i] = L.agents[o]!.cpu;
    } else if (isIrqOption(o)) {
      const line = optionLine(o);
      // a timer tick moves jiffies, which every timer and timeout reads: dependent with everything
      d.objs[i] = line === SOFTIRQ_LINE || line === TIMER_LINE ? -1 : L.lineObject(line);
      d.access[i] = line === SOFTIRQ_LINE ? Access.NONE : line === TIMER_LINE ? Access.ANY : irqAccess(L, line);
      d.cpus[i] = optionCpu(o);
    } else if (isFlushOption(o)) {
      const c = optionCpu(o);
      const mem = rt.memory!;
      d.objs[i] = mem.entryLoc(c, mem.entryOf(c, flushSeq(o)));
      d.access[i] = Access.WRITE;
      d.cpus[i] = c;
    } else if (isValueOption(o)) {
      d.objs[i] = m[rt.me + C.NEXT_OBJ]!;
      d.access[i] = m[rt.me + C.NEXT_ACCESS]!;
      d.cpus[i] = rt.cpu;
    } else {
      d.objs[i] = -1;
      d.access[i] = o === END_OPTION ? Access.NONE : Access.ANY;
      d.cpus[i] = -1;
    }
  }
}

/**
 * A line that can fire more than once on more than one CPU is masked everywhere while its
 * handler runs, so the handler's end (a step of whatever agent it interrupted) enables it on
 * the other CPUs: such a delivery is dependent with everything. Otherwise its firing budget.
 */
function irqAccess(L: Layout, line: number): number {
  const l = L.lines[line]!;
  return l.fires > 1 && l.cpus.length > 1 ? Access.ANY : Access.WRITE;
}

/** Publish the footprint of the operation this agent does after its coming scheduling point. */
export function publishFootprint(m: Int32Array, block: number, obj: number, access: number): void {
  m[block + C.NEXT_OBJ] = obj;
  m[block + C.NEXT_ACCESS] = access;
}
