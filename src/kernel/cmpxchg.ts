/**
 * xchg() and cmpxchg() on a plain `shared` int (include/linux/atomic.h's arch_xchg/arch_cmpxchg
 * on a scalar): atomic, fully ordered, marked, so never a data race by themselves; a cmpxchg
 * that fails is only a read. For atomic_t use atomic_xchg/atomic_cmpxchg.
 */
import { Op, kfn } from '../machine/events.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';
import { rmwBegin, rmwEnd, rmwPoint } from './memory-access.ts';
import { checkKind, type Shared } from './objects.ts';

/** A fully ordered RMW's point (memory-access.ts: under a weak model an smp_mb() on each side). */
function enter(name: string, p: Shared): CpuRuntime {
  const rt = thisCpu(name);
  checkKind(rt, p, name);
  rmwPoint(rt, p.__id, true);
  rmwBegin(rt, p.__id, true);
  return rt;
}

/** Store `v` in `p`; returns the value it held. */
export function xchg(p: Shared, v: number): number {
  const rt = enter('xchg', p);
  const old = rt.cells.exchange(p.__at, v);
  rmwEnd(rt, p.__id, v | 0, true);
  rt.emit(Op.ATOMIC_RMW_ORDERED, p.__id, v | 0, old, kfn('xchg'));
  return old;
}

/** Store `n` in `p` if it holds `old`; returns the value found (=== old on success). */
export function cmpxchg(p: Shared, old: number, n: number): number {
  const rt = enter('cmpxchg', p);
  const found = rt.cells.compareExchange(p.__at, old, n);
  const done = found === (old | 0);
  rmwEnd(rt, p.__id, done ? n | 0 : undefined, true);
  if (done) rt.emit(Op.ATOMIC_RMW_ORDERED, p.__id, n | 0, found, kfn('cmpxchg'));
  else rt.emit(Op.ATOMIC_READ, p.__id, found, 0, kfn('cmpxchg'));
  return found;
}
