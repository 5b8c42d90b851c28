/**
 * Memory barriers and release/acquire accesses, as in asm-generic/barrier.h. They are events
 * that tell the race detector what the kernel's memory model orders: smp_store_release → the
 * smp_load_acquire that reads its value, and smp_wmb … smp_rmb (or smp_mb) pairs around a flag
 * (message passing). Under a 'tso' or 'weak' memory model they also order what the store
 * buffers and views may do (machine/weak-memory.ts): smp_mb drains and joins the global view,
 * smp_wmb keeps later stores behind earlier ones, smp_rmb joins what earlier reads carried.
 *
 * The accesses are marked (never a data race by themselves): a release store is a
 * MEM_WRITE_ONCE (ATOMIC_SET on an atomic_t), an acquire load a MEM_READ_ONCE (ATOMIC_READ),
 * told apart by F_FN. Fences are Op.MARK events with F_FN smp_mb / smp_wmb / smp_rmb.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import type { WeakMemory } from '../machine/weak-memory.ts';
import { fencePoint } from '../machine/memory-steps.ts';
import { thisCpu } from './cpu.ts';
import { checkKind, type Atomic, type Shared } from './objects.ts';
import { lastReadFrom, load, store, storePoint } from './memory-access.ts';

const FN = {
  release: kfn('smp_store_release'),
  acquire: kfn('smp_load_acquire'),
  mb: kfn('smp_mb'),
  wmb: kfn('smp_wmb'),
  rmb: kfn('smp_rmb'),
};

const isAtomic = (p: Shared | Atomic): boolean => (p as { __kind?: string }).__kind === 'atomic';

/** smp_store_release(&p, v): a marked store ordered after everything before it. */
export function smp_store_release(p: Shared | Atomic, v: number): void {
  const rt = thisCpu('smp_store_release');
  checkKind(rt, p, 'smp_store_release');
  storePoint(rt, p.__id);
  const old = store(rt, p.__id, p.__at, v, true);
  rt.emit(isAtomic(p) ? Op.ATOMIC_SET : Op.MEM_WRITE_ONCE, p.__id, v | 0, old, FN.release);
}

/** smp_load_acquire(&p): a marked load ordered before everything after it. */
export function smp_load_acquire(p: Shared | Atomic): number {
  const rt = thisCpu('smp_load_acquire');
  checkKind(rt, p, 'smp_load_acquire');
  rt.point(p.__id, Access.READ);
  const v = load(rt, p.__id, p.__at, true);
  rt.emit(isAtomic(p) ? Op.ATOMIC_READ : Op.MEM_READ_ONCE, p.__id, v, lastReadFrom, FN.acquire);
  return v;
}

function fence(name: string, fn: number, model?: (mem: WeakMemory, cpu: number) => void): void {
  const rt = thisCpu(name);
  const mem = rt.memory;
  if (mem && model) {
    // smp_mb drains this CPU's buffer, a step per store, then reads and publishes the global view
    if (model === full) fencePoint(rt);
    model(mem, rt.cpu);
  }
  rt.emit(Op.MARK, -1, 0, 0, fn);
}
const full = (mem: WeakMemory, cpu: number): void => mem.mb(cpu);

/** Full barrier: orders all earlier accesses before all later ones. */
export const smp_mb = (): void => fence('smp_mb', FN.mb, full);
/** Write barrier: earlier stores before later stores (pairs with smp_rmb). */
export const smp_wmb = (): void => fence('smp_wmb', FN.wmb, (mem, cpu) => mem.wmb(cpu));
/** Read barrier: earlier loads before later loads (pairs with smp_wmb). */
export const smp_rmb = (): void => fence('smp_rmb', FN.rmb, (mem, cpu) => mem.rmb(cpu));
/**
 * After spin_lock(): the lock's acquire becomes a full barrier (include/linux/spinlock.h), so
 * stores before the critical section are ordered before reads inside it.
 */
export const smp_mb__after_spinlock = (): void => fence('smp_mb__after_spinlock', FN.mb, full);
/**
 * Around an atomic_inc()/atomic_dec() or a bit operation that orders nothing by itself
 * (include/asm-generic/barrier.h): a full barrier here, which orders at least what the kernel's
 * pairing with the atomic does.
 */
export const smp_mb__before_atomic = (): void => fence('smp_mb__before_atomic', FN.mb, full);
export const smp_mb__after_atomic = (): void => fence('smp_mb__after_atomic', FN.mb, full);

/** The compiler barrier: scenario code is never reordered by a compiler here, so it does nothing. */
export function barrier(): void {
  thisCpu('barrier');
}
