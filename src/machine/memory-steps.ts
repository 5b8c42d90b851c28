/**
 * Draining a CPU's store buffer as scheduling steps of its own (before smp_mb, a full-barrier
 * atomic, a lock released): each store becomes visible in a step whose footprint is a write
 * of its location, so DPOR sees exactly what commutes, instead of one step that touches
 * everything.
 */
import { Access } from '../sched/footprint.ts';
import type { CpuRuntime } from './runtime.ts';
import { Op, kfn } from './events.ts';

const FN_VISIBLE = kfn('store_visible');

/** Drain this CPU's buffer, oldest first, one scheduling point per store. */
export function drainInSteps(rt: CpuRuntime): void {
  const mem = rt.memory;
  if (!mem) return;
  while (mem.buffered(rt.cpu) > 0) drainOldest(rt);
}

/** Make room in a full buffer: its oldest store drains, in a step of its own. */
export function makeRoom(rt: CpuRuntime, cap: number): void {
  const mem = rt.memory;
  while (mem && mem.buffered(rt.cpu) >= cap) drainOldest(rt);
}

function drainOldest(rt: CpuRuntime): void {
  const mem = rt.memory!;
  const c = rt.cpu;
  const seq = mem.entrySeq(c, 0) & 0xff;
  rt.point(mem.entryLoc(c, 0), Access.WRITE);
  // a decision at that point may have drained it already
  if (mem.entryOf(c, seq) !== 0) return;
  rt.emit(Op.STORE_VISIBLE, mem.entryLoc(c, 0), mem.entryValue(c, 0), c, FN_VISIBLE);
  mem.drain(c, 0);
}

/** The point of smp_mb()'s own step: it reads and publishes the global view. */
export function fencePoint(rt: CpuRuntime): void {
  drainInSteps(rt);
  rt.point(rt.L.memoryViewObject, Access.WRITE);
}
