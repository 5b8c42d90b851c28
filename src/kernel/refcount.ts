/**
 * refcount_t and kref, as in include/linux/refcount.h, lib/refcount.c and include/linux/kref.h:
 * an atomic_t that saturates instead of wrapping. An increment from 0 (the object may already
 * be freed), a decrement below 0, and an overflow each WARN once with lib/refcount.c's text
 * (a REFCOUNT_WARN event) and leave the count at REFCOUNT_SATURATED, where it stays.
 *
 * Ordering is the kernel's: refcount_dec_and_test / kref_put are release operations with an
 * acquire when they hit zero, so they are fully ordered RMW events here; refcount_inc orders
 * nothing.
 */
import { Op, RefcountSaturation, kfn } from '../machine/events.ts';
import { RMW_ADD } from '../machine/cells.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { maybeCpu, thisCpu } from './cpu.ts';
import { decl } from './declare.ts';
import { checkKind, type KObject } from './objects.ts';

export type Refcount = KObject & { readonly __kind: 'refcount' };
export type Kref = KObject & { readonly __kind: 'kref' };

/** REFCOUNT_SATURATED: INT_MIN / 2, far from both 0 and the wrap. */
export const REFCOUNT_SATURATED = -(2 ** 30);
/** REFCOUNT_MAX: INT_MAX */
export const REFCOUNT_MAX = 2 ** 31 - 1;

/** REFCOUNT_INIT(n) */
export const refcount = (n = 1): ObjectDecl<Refcount> => decl('refcount', n, 1, false);
/** A kref, its count already kref_init()ed to 1. */
export const kref = (): ObjectDecl<Kref> => decl('kref', 1, 1, false);

type Counted = Refcount | Kref;

function enter(name: string, r: Counted): CpuRuntime {
  const rt = thisCpu(name);
  checkKind(rt, r, name);
  rt.point();
  return rt;
}

/** refcount_warn_saturate(): saturate, and WARN with the call site. */
function warnSaturate(rt: CpuRuntime, r: Counted, t: number, name: string): void {
  rt.cells.store(r.__at, REFCOUNT_SATURATED);
  rt.emit(Op.REFCOUNT_WARN, r.__id, t, rt.siteId(), kfn(name));
}

/** An atomic fetch-and-add of `i`, as one fully ordered or unordered event; returns the old value. */
function fetchAdd(rt: CpuRuntime, r: Counted, i: number, ordered: boolean, name: string): number {
  const old = rt.cells.update(r.__at, RMW_ADD, i);
  rt.emit(ordered ? Op.ATOMIC_RMW_ORDERED : Op.ATOMIC_RMW, r.__id, (old + i) | 0, old, kfn(name));
  return old;
}

function set(name: string, r: Counted, n: number): void {
  const rt = enter(name, r);
  const old = rt.cells.exchange(r.__at, n);
  rt.emit(Op.ATOMIC_SET, r.__id, n | 0, old, kfn(name));
}

function read(name: string, r: Counted): number {
  const rt = maybeCpu();
  if (!rt) return (r as unknown as { __mem: { load(at: number): number } }).__mem.load(r.__at);
  enter(name, r);
  const v = rt.cells.load(r.__at);
  rt.emit(Op.ATOMIC_READ, r.__id, v, 0, kfn(name));
  return v;
}

function add(name: string, i: number, r: Counted): void {
  const rt = enter(name, r);
  const old = fetchAdd(rt, r, i, false, name);
  if (old === 0) warnSaturate(rt, r, RefcountSaturation.ADD_UAF, name);
  else if (old < 0 || old + i > REFCOUNT_MAX) warnSaturate(rt, r, RefcountSaturation.ADD_OVF, name);
}

/** refcount_add_not_zero(): no increment from 0; true when it incremented. */
function addNotZero(name: string, i: number, r: Counted): boolean {
  const rt = enter(name, r);
  for (;;) {
    const old = rt.cells.load(r.__at);
    if (old === 0) {
      rt.emit(Op.ATOMIC_READ, r.__id, old, 0, kfn(name));
      return false;
    }
    if (rt.cells.compareExchange(r.__at, old, (old + i) | 0) !== old) continue;
    rt.emit(Op.ATOMIC_RMW_ORDERED, r.__id, (old + i) | 0, old, kfn(name));
    if (old < 0 || old + i > REFCOUNT_MAX) warnSaturate(rt, r, RefcountSaturation.ADD_NOT_ZERO_OVF, name);
    return true;
  }
}

/** refcount_sub_and_test(): true when the count hit 0 (the caller frees the object). */
function subAndTest(name: string, i: number, r: Counted): boolean {
  const rt = enter(name, r);
  const old = fetchAdd(rt, r, -i, true, name);
  if (old === i) return true;
  if (old < 0 || old - i < 0) warnSaturate(rt, r, RefcountSaturation.SUB_UAF, name);
  return false;
}

export const refcount_set = (r: Refcount, n: number): void => set('refcount_set', r, n);
export const refcount_read = (r: Refcount): number => read('refcount_read', r);
export const refcount_add = (i: number, r: Refcount): void => add('refcount_add', i, r);
export const refcount_inc = (r: Refcount): void => add('refcount_inc', 1, r);
export const refcount_inc_not_zero = (r: Refcount): boolean => addNotZero('refcount_inc_not_zero', 1, r);
export const refcount_dec_and_test = (r: Refcount): boolean => subAndTest('refcount_dec_and_test', 1, r);

/** refcount_dec(): a decrement that must not hit 0 (the last put must be a _test). */
export function refcount_dec(r: Refcount): void {
  const rt = enter('refcount_dec', r);
  const old = fetchAdd(rt, r, -1, true, 'refcount_dec');
  if (old <= 1) warnSaturate(rt, r, RefcountSaturation.DEC_LEAK, 'refcount_dec');
}

export const kref_init = (k: Kref): void => set('kref_init', k, 1);
export const kref_read = (k: Kref): number => read('kref_read', k);
export const kref_get = (k: Kref): void => add('kref_get', 1, k);
/** A lookup's reference: fails (0) once the count hit zero, when the release may be running. */
export const kref_get_unless_zero = (k: Kref): number => (addNotZero('kref_get_unless_zero', 1, k) ? 1 : 0);

/** Drop a reference; the last one calls release(k). Returns 1 when release was called. */
export function kref_put(k: Kref, release: (k: Kref) => void): number {
  if (typeof release !== 'function') throw new Error('kref_put(): release must be a function');
  if (!subAndTest('kref_put', 1, k)) return 0;
  release(k);
  return 1;
}
