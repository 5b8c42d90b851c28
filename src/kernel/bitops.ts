/**
 * Bit operations (include/linux/bitops.h, Documentation/atomic_bitops.txt) on an `unsigned
 * long` of flags: here a `shared` cell, one 32-bit word, so bit numbers are 0 to 31.
 *
 * set_bit/clear_bit/change_bit are atomic and order nothing; test_bit is a marked load; the
 * test_and_{set,clear,change}_bit forms are fully ordered when they change the word (a
 * test_and_set_bit that finds the bit set is only a read, as the generic version returns
 * early). test_and_set_bit_lock/clear_bit_unlock are a bit lock: acquire on success, release
 * on unlock. __set_bit/__clear_bit are the non-atomic forms: plain accesses, race candidates.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import type { RmwOp } from '../machine/cells.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import type { Shared } from './objects.ts';
import { thisCpu } from './cpu.ts';
import { enterOn } from './sleep.ts';

export const BITS_PER_LONG = 32;

function mask(name: string, nr: number): number {
  if (!Number.isInteger(nr) || nr < 0 || nr >= BITS_PER_LONG)
    throw new Error(`${name}(${nr}): a bit number of one word, 0 to ${BITS_PER_LONG - 1}`);
  return 1 << nr;
}

/** Enter bit call `name` on `rt`: bit `nr`'s mask, after the call's scheduling point. */
function enter(rt: CpuRuntime, name: string, nr: number, addr: Shared, access: number = Access.WRITE): number {
  const m = mask(name, nr);
  enterOn(rt, name, addr, access);
  return m;
}

/** An atomic RMW of the word; returns the old word. */
function rmw(name: string, nr: number, addr: Shared, op: RmwOp, ordered: boolean): number {
  const rt = thisCpu(name);
  const m = enter(rt, name, nr, addr);
  const old = rt.cells.update(addr.__at, op, m);
  const now = op(old, m) | 0;
  // a test_and_ form that changes nothing is a read (and orders nothing)
  if (now === old && ordered) rt.emit(Op.ATOMIC_READ, addr.__id, old, 0, kfn(name));
  else rt.emit(ordered ? Op.ATOMIC_RMW_ORDERED : Op.ATOMIC_RMW, addr.__id, now, old, kfn(name));
  return old & m;
}

const set = (w: number, m: number): number => w | m;
const clear = (w: number, m: number): number => w & ~m;
const change = (w: number, m: number): number => w ^ m;

export const set_bit = (nr: number, addr: Shared): void => void rmw('set_bit', nr, addr, set, false);
export const clear_bit = (nr: number, addr: Shared): void => void rmw('clear_bit', nr, addr, clear, false);
export const change_bit = (nr: number, addr: Shared): void => void rmw('change_bit', nr, addr, change, false);
/** true when the bit was set before */
export const test_and_set_bit = (nr: number, addr: Shared): boolean =>
  rmw('test_and_set_bit', nr, addr, set, true) !== 0;
export const test_and_clear_bit = (nr: number, addr: Shared): boolean =>
  rmw('test_and_clear_bit', nr, addr, clear, true) !== 0;
export const test_and_change_bit = (nr: number, addr: Shared): boolean =>
  rmw('test_and_change_bit', nr, addr, change, true) !== 0;

/** A marked load of the word: true when the bit is set. */
export function test_bit(nr: number, addr: Shared): boolean {
  const rt = thisCpu('test_bit');
  const m = enter(rt, 'test_bit', nr, addr, Access.READ);
  const w = rt.cells.load(addr.__at);
  rt.emit(Op.ATOMIC_READ, addr.__id, w, 0, kfn('test_bit'));
  return (w & m) !== 0;
}

/** Take bit `nr` as a lock: false when it was free (now taken, with acquire ordering). */
export function test_and_set_bit_lock(nr: number, addr: Shared): boolean {
  const rt = thisCpu('test_and_set_bit_lock');
  const m = enter(rt, 'test_and_set_bit_lock', nr, addr);
  const old = rt.cells.update(addr.__at, set, m);
  const fn = kfn('test_and_set_bit_lock');
  if (old & m) rt.emit(Op.ATOMIC_READ, addr.__id, old, 0, fn);
  else rt.emit(Op.ATOMIC_RMW, addr.__id, old | m, old, fn);
  return (old & m) !== 0;
}

/** Release the bit lock: clear the bit with release ordering. */
export function clear_bit_unlock(nr: number, addr: Shared): void {
  const rt = thisCpu('clear_bit_unlock');
  const m = enter(rt, 'clear_bit_unlock', nr, addr);
  const old = rt.cells.update(addr.__at, clear, m);
  rt.emit(Op.ATOMIC_RMW, addr.__id, old & ~m, old, kfn('clear_bit_unlock'));
}

/**
 * The non-atomic forms: `*p |= mask` as C compiles it, a plain load and a plain store, each its
 * own scheduling point, so another CPU's update between them is lost.
 */
function plain(name: string, nr: number, addr: Shared, op: (w: number, m: number) => number): void {
  const rt = thisCpu(name);
  const m = enter(rt, name, nr, addr, Access.READ);
  const fn = kfn(name);
  const w = rt.cells.read(addr.__at);
  rt.emit(Op.MEM_READ, addr.__id, w, 0, fn);
  rt.point(addr.__id, Access.WRITE);
  const old = rt.cells.write(addr.__at, op(w, m));
  rt.emit(Op.MEM_WRITE, addr.__id, op(w, m) | 0, old, fn);
}
export const __set_bit = (nr: number, addr: Shared): void => plain('__set_bit', nr, addr, set);
export const __clear_bit = (nr: number, addr: Shared): void => plain('__clear_bit', nr, addr, clear);
