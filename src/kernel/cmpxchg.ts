/**
 * xchg() and cmpxchg() on a plain `shared` int (include/linux/atomic.h's arch_xchg/arch_cmpxchg
 * on a scalar): atomic, fully ordered, marked, so never a data race by themselves; a cmpxchg
 * that fails is only a read. For atomic_t use atomic_xchg/atomic_cmpxchg.
 */
import { Op, kfn } from '../machine/events.ts';
import type { Shared } from './objects.ts';
import { enterOn } from './sleep.ts';

/** Store `v` in `p`; returns the value it held. */
export function xchg(p: Shared, v: number): number {
  const [rt] = enterOn('xchg', p);
  const old = rt.cells.exchange(p.__at, v);
  rt.emit(Op.ATOMIC_RMW_ORDERED, p.__id, v | 0, old, kfn('xchg'));
  return old;
}

/** Store `n` in `p` if it holds `old`; returns the value found (=== old on success). */
export function cmpxchg(p: Shared, old: number, n: number): number {
  const [rt] = enterOn('cmpxchg', p);
  const found = rt.cells.compareExchange(p.__at, old, n);
  if (found === (old | 0)) rt.emit(Op.ATOMIC_RMW_ORDERED, p.__id, n | 0, found, kfn('cmpxchg'));
  else rt.emit(Op.ATOMIC_READ, p.__id, found, 0, kfn('cmpxchg'));
  return found;
}
