/**
 * atomic64_t and atomic_long_t (include/linux/atomic/atomic-long.h: a long is 64 bits, as on a
 * 64-bit kernel, so the two families act on the same kind of object). The same semantics as
 * atomic_t (atomic.ts): every call a scheduling point and an event; value-returning RMWs fully
 * ordered, atomic64_inc/add/sub/dec unordered. The value is a real 64-bit word driven with
 * Atomics on a BigInt64Array view of the buffer, wrapping as s64 does; it reaches scenario code
 * as a JS number, exact within ±2^53 (Number.MAX_SAFE_INTEGER) and rounded beyond. Events
 * carry its low 32 bits.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import type { Cells } from '../machine/cells.ts';
import { maybeCpu, thisCpu } from './cpu.ts';
import type { KObject } from './objects.ts';
import { enterOn } from './sleep.ts';

export type Atomic64 = KObject & { readonly __kind: 'atomic64' };
/** atomic_long_t is atomic64_t on a 64-bit kernel */
export type AtomicLong = Atomic64;

const lo = (v: number): number => Number(BigInt.asIntN(32, BigInt(Math.trunc(v))));

function family(prefix: 'atomic64' | 'atomic_long') {
  const fn = (op: string): string => `${prefix}_${op}`;
  /** Unconditional RMW: returns [old, new]. */
  const rmw = (op: string, v: Atomic64, next: (old: number) => number, ordered: boolean): [number, number] => {
    const name = fn(op);
    const rt = thisCpu(name);
    enterOn(rt, name, v);
    const old = rt.cells.update64(v.__at, next);
    const now = rt.cells.load64(v.__at);
    rt.emit(ordered ? Op.ATOMIC_RMW_ORDERED : Op.ATOMIC_RMW, v.__id, lo(now), lo(old), kfn(name));
    return [old, now];
  };
  const addUnless = (op: string, v: Atomic64, a: number, u: number): boolean => {
    const name = fn(op);
    const rt = thisCpu(name);
    enterOn(rt, name, v);
    for (;;) {
      const c = rt.cells.load64(v.__at);
      if (c === u) {
        rt.emit(Op.ATOMIC_READ, v.__id, lo(c), 0, kfn(name));
        return false;
      }
      if (rt.cells.compareExchange64(v.__at, c, c + a) === c) {
        rt.emit(Op.ATOMIC_RMW_ORDERED, v.__id, lo(c + a), lo(c), kfn(name));
        return true;
      }
    }
  };
  return {
    read(v: Atomic64): number {
      const rt = maybeCpu();
      const name = fn('read');
      if (!rt) return cellsOf(v, name).load64(v.__at);
      enterOn(rt, name, v, Access.READ);
      const now = rt.cells.load64(v.__at);
      rt.emit(Op.ATOMIC_READ, v.__id, lo(now), 0, kfn(name));
      return now;
    },
    set(v: Atomic64, i: number): void {
      const name = fn('set');
      const rt = thisCpu(name);
      enterOn(rt, name, v);
      const old = rt.cells.exchange64(v.__at, i);
      rt.emit(Op.ATOMIC_SET, v.__id, lo(i), lo(old), kfn(name));
    },
    add: (i: number, v: Atomic64): void => void rmw('add', v, (o) => o + i, false),
    sub: (i: number, v: Atomic64): void => void rmw('sub', v, (o) => o - i, false),
    inc: (v: Atomic64): void => void rmw('inc', v, (o) => o + 1, false),
    dec: (v: Atomic64): void => void rmw('dec', v, (o) => o - 1, false),
    inc_and_test: (v: Atomic64): boolean => rmw('inc_and_test', v, (o) => o + 1, true)[1] === 0,
    dec_and_test: (v: Atomic64): boolean => rmw('dec_and_test', v, (o) => o - 1, true)[1] === 0,
    sub_and_test: (i: number, v: Atomic64): boolean => rmw('sub_and_test', v, (o) => o - i, true)[1] === 0,
    add_return: (i: number, v: Atomic64): number => rmw('add_return', v, (o) => o + i, true)[1],
    sub_return: (i: number, v: Atomic64): number => rmw('sub_return', v, (o) => o - i, true)[1],
    inc_return: (v: Atomic64): number => rmw('inc_return', v, (o) => o + 1, true)[1],
    dec_return: (v: Atomic64): number => rmw('dec_return', v, (o) => o - 1, true)[1],
    fetch_add: (i: number, v: Atomic64): number => rmw('fetch_add', v, (o) => o + i, true)[0],
    fetch_sub: (i: number, v: Atomic64): number => rmw('fetch_sub', v, (o) => o - i, true)[0],
    xchg: (v: Atomic64, n: number): number => rmw('xchg', v, () => n, true)[0],
    /** Store `n` if the value is `old`; returns the value found (=== old on success). */
    cmpxchg(v: Atomic64, old: number, n: number): number {
      const name = fn('cmpxchg');
      const rt = thisCpu(name);
      enterOn(rt, name, v);
      const found = rt.cells.compareExchange64(v.__at, old, n);
      if (found === old) rt.emit(Op.ATOMIC_RMW_ORDERED, v.__id, lo(n), lo(found), kfn(name));
      else rt.emit(Op.ATOMIC_READ, v.__id, lo(found), 0, kfn(name));
      return found;
    },
    add_unless: (v: Atomic64, a: number, u: number): boolean => addUnless('add_unless', v, a, u),
    inc_not_zero: (v: Atomic64): boolean => addUnless('inc_not_zero', v, 1, 0),
  };
}

/** Off-CPU reads (check()) go to the memory the handle was bound to. */
function cellsOf(v: Atomic64, name: string): Cells {
  const mem = (v as unknown as { __mem?: Cells }).__mem;
  if (mem) return mem;
  throw new Error(`${name}(): no machine memory for this object outside a trial`);
}

const a64 = family('atomic64');
export const atomic64_read = a64.read;
export const atomic64_set = a64.set;
export const atomic64_add = a64.add;
export const atomic64_sub = a64.sub;
export const atomic64_inc = a64.inc;
export const atomic64_dec = a64.dec;
export const atomic64_inc_and_test = a64.inc_and_test;
export const atomic64_dec_and_test = a64.dec_and_test;
export const atomic64_sub_and_test = a64.sub_and_test;
export const atomic64_add_return = a64.add_return;
export const atomic64_sub_return = a64.sub_return;
export const atomic64_inc_return = a64.inc_return;
export const atomic64_dec_return = a64.dec_return;
export const atomic64_fetch_add = a64.fetch_add;
export const atomic64_fetch_sub = a64.fetch_sub;
export const atomic64_xchg = a64.xchg;
export const atomic64_cmpxchg = a64.cmpxchg;
export const atomic64_add_unless = a64.add_unless;
export const atomic64_inc_not_zero = a64.inc_not_zero;

const along = family('atomic_long');
export const atomic_long_read = along.read;
export const atomic_long_set = along.set;
export const atomic_long_add = along.add;
export const atomic_long_sub = along.sub;
export const atomic_long_inc = along.inc;
export const atomic_long_dec = along.dec;
export const atomic_long_inc_and_test = along.inc_and_test;
export const atomic_long_dec_and_test = along.dec_and_test;
export const atomic_long_sub_and_test = along.sub_and_test;
export const atomic_long_add_return = along.add_return;
export const atomic_long_sub_return = along.sub_return;
export const atomic_long_inc_return = along.inc_return;
export const atomic_long_dec_return = along.dec_return;
export const atomic_long_fetch_add = along.fetch_add;
export const atomic_long_fetch_sub = along.fetch_sub;
export const atomic_long_xchg = along.xchg;
export const atomic_long_cmpxchg = along.cmpxchg;
export const atomic_long_add_unless = along.add_unless;
export const atomic_long_inc_not_zero = along.inc_not_zero;
