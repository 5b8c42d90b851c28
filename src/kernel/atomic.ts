/**
 * atomic_t, as in include/linux/atomic.h: real Atomics operations on the shared buffer. Every
 * call is a scheduling point and an event. Value-returning read-modify-writes are fully
 * ordered (ATOMIC_RMW_ORDERED); atomic_inc/add/sub/dec order nothing, as in the kernel's
 * memory model; a failed conditional operation is only a read.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { maybeCpu, thisCpu } from './cpu.ts';
import type { Atomic } from './objects.ts';
import { checkKind } from './objects.ts';
import { RMW_ADD, type Cells, type RmwOp } from '../machine/cells.ts';
import { lastReadFrom, load, rmwBegin, rmwEnd, rmwPoint, store, storePoint } from './memory-access.ts';

/** The RMW's scheduling point on `rt` (memory-access.ts: a weak model drains first); the value word. */
function enter(rt: CpuRuntime, name: string, v: Atomic, ordered: boolean): number {
  checkKind(rt, v, name);
  rmwPoint(rt, v.__id, ordered);
  rmwBegin(rt, v.__id, ordered);
  return v.__at;
}

const add = RMW_ADD;
const exchange: RmwOp = (_o, n) => n;
const or: RmwOp = (o, n) => o | n;
const and: RmwOp = (o, n) => o & n;
const andnot: RmwOp = (o, n) => o & ~n;

/**
 * Unconditional RMW: `op(old, operand)` is the new value; returns the old. Ops take their
 * operand as an argument, not in a closure: atomic_inc() is on hot loops' paths.
 */
function rmw(name: string, v: Atomic, op: RmwOp, operand: number, ordered: boolean): number {
  const rt = thisCpu(name);
  const at = enter(rt, name, v, ordered);
  // a real atomic read-modify-write: CPUs running truly in parallel (stress mode) never lose one
  const old = rt.cells.update(at, op, operand);
  const now = op(old, operand) | 0;
  rmwEnd(rt, v.__id, now, ordered);
  rt.emit(ordered ? Op.ATOMIC_RMW_ORDERED : Op.ATOMIC_RMW, v.__id, now, old, kfn(name));
  return old;
}

/** The new value of an rmw() that adds `i`. */
const addReturn = (name: string, v: Atomic, i: number): number => (rmw(name, v, add, i, true) + i) | 0;

export function atomic_read(v: Atomic): number {
  const rt = maybeCpu();
  if (!rt) return cellsOf(v).load(v.__at);
  checkKind(rt, v, 'atomic_read');
  rt.point(v.__id, Access.READ);
  const now = load(rt, v.__id, v.__at, false);
  rt.emit(Op.ATOMIC_READ, v.__id, now, lastReadFrom, kfn('atomic_read'));
  return now;
}

/** Off-CPU reads (check()) go to the memory the handle was bound to. */
function cellsOf(v: Atomic): Cells {
  const mem = (v as unknown as { __mem?: Cells }).__mem;
  if (mem) return mem;
  throw new Error('atomic_read(): no machine memory for this object outside a trial');
}

export function atomic_set(v: Atomic, i: number): void {
  const rt = thisCpu('atomic_set');
  checkKind(rt, v, 'atomic_set');
  storePoint(rt, v.__id);
  const old = store(rt, v.__id, v.__at, i, false);
  rt.emit(Op.ATOMIC_SET, v.__id, i | 0, old, kfn('atomic_set'));
}

export const atomic_add = (i: number, v: Atomic): void => void rmw('atomic_add', v, add, i, false);
export const atomic_sub = (i: number, v: Atomic): void => void rmw('atomic_sub', v, add, -i, false);
export const atomic_inc = (v: Atomic): void => void rmw('atomic_inc', v, add, 1, false);
export const atomic_dec = (v: Atomic): void => void rmw('atomic_dec', v, add, -1, false);
/** true when the result is zero */
export const atomic_inc_and_test = (v: Atomic): boolean => addReturn('atomic_inc_and_test', v, 1) === 0;
export const atomic_dec_and_test = (v: Atomic): boolean => addReturn('atomic_dec_and_test', v, -1) === 0;
export const atomic_sub_and_test = (i: number, v: Atomic): boolean => addReturn('atomic_sub_and_test', v, -i) === 0;
export const atomic_add_return = (i: number, v: Atomic): number => addReturn('atomic_add_return', v, i);
export const atomic_sub_return = (i: number, v: Atomic): number => addReturn('atomic_sub_return', v, -i);
export const atomic_inc_return = (v: Atomic): number => addReturn('atomic_inc_return', v, 1);
export const atomic_dec_return = (v: Atomic): number => addReturn('atomic_dec_return', v, -1);
/** The atomic_fetch_* family returns the old value. */
export const atomic_fetch_add = (i: number, v: Atomic): number => rmw('atomic_fetch_add', v, add, i, true);
export const atomic_fetch_sub = (i: number, v: Atomic): number => rmw('atomic_fetch_sub', v, add, -i, true);
export const atomic_fetch_inc = (v: Atomic): number => rmw('atomic_fetch_inc', v, add, 1, true);
export const atomic_fetch_dec = (v: Atomic): number => rmw('atomic_fetch_dec', v, add, -1, true);
/** Bitwise: atomic_or/and/andnot order nothing; the atomic_fetch_ forms return the old value, fully ordered. */
export const atomic_or = (i: number, v: Atomic): void => void rmw('atomic_or', v, or, i, false);
export const atomic_and = (i: number, v: Atomic): void => void rmw('atomic_and', v, and, i, false);
export const atomic_andnot = (i: number, v: Atomic): void => void rmw('atomic_andnot', v, andnot, i, false);
export const atomic_fetch_or = (i: number, v: Atomic): number => rmw('atomic_fetch_or', v, or, i, true);
export const atomic_fetch_and = (i: number, v: Atomic): number => rmw('atomic_fetch_and', v, and, i, true);
export const atomic_fetch_andnot = (i: number, v: Atomic): number => rmw('atomic_fetch_andnot', v, andnot, i, true);
/** returns the old value */
export const atomic_xchg = (v: Atomic, n: number): number => rmw('atomic_xchg', v, exchange, n, true);

/** Store `n` if the value is `old`; returns the value found (== old on success). */
export function atomic_cmpxchg(v: Atomic, old: number, n: number): number {
  const rt = thisCpu('atomic_cmpxchg');
  const at = enter(rt, 'atomic_cmpxchg', v, true);
  const found = rt.cells.compareExchange(at, old, n);
  rmwEnd(rt, v.__id, found === (old | 0) ? n : undefined, true);
  if (found === (old | 0)) rt.emit(Op.ATOMIC_RMW_ORDERED, v.__id, n | 0, found, kfn('atomic_cmpxchg'));
  else rt.emit(Op.ATOMIC_READ, v.__id, found, 0, kfn('atomic_cmpxchg'));
  return found;
}

/** Add `a` unless the value is `u`; true when the add was done. */
export function atomic_add_unless(v: Atomic, a: number, u: number, name = 'atomic_add_unless'): boolean {
  const rt = thisCpu(name);
  const at = enter(rt, name, v, true);
  for (;;) {
    const c = rt.cells.load(at);
    if (c === (u | 0)) {
      rmwEnd(rt, v.__id, undefined, true);
      rt.emit(Op.ATOMIC_READ, v.__id, c, 0, kfn(name));
      return false;
    }
    if (rt.cells.compareExchange(at, c, (c + a) | 0) === c) {
      rmwEnd(rt, v.__id, (c + a) | 0, true);
      rt.emit(Op.ATOMIC_RMW_ORDERED, v.__id, (c + a) | 0, c, kfn(name));
      return true;
    }
  }
}

export const atomic_inc_not_zero = (v: Atomic): boolean => atomic_add_unless(v, 1, 0, 'atomic_inc_not_zero');
