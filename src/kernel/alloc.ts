/**
 * kmalloc / kfree. A gfp mask with __GFP_DIRECT_RECLAIM (GFP_KERNEL, GFP_NOIO, GFP_NOFS …) may
 * sleep; GFP_ATOMIC and GFP_NOWAIT never do. An allocation returns a handle (a non-zero number,
 * like a pointer it can be stored in shared memory and freed on any CPU) or null; it fails only
 * as a strategy choice, when the scenario opts in with `faults: { kmalloc: true }`.
 *
 * Events: ALLOC (F_A handle or 0 when it failed, F_B gfp); FREE (F_A handle, F_B = KFREE_* status,
 * plus the call site's string id * 4 when the status is not KFREE_OK).
 */
import { Op, kfn } from '../machine/events.ts';
import { HEAP_MAX } from '../machine/capacities.ts';
import { thisCpu } from './cpu.ts';
import { mightSleep } from './sleep.ts';

export const __GFP_DMA = 0x01;
export const __GFP_HIGHMEM = 0x02;
export const __GFP_DMA32 = 0x04;
export const __GFP_HIGH = 0x20;
export const __GFP_IO = 0x40;
export const __GFP_FS = 0x80;
export const __GFP_ZERO = 0x100;
export const __GFP_ATOMIC = 0x200;
export const __GFP_DIRECT_RECLAIM = 0x400;
export const __GFP_KSWAPD_RECLAIM = 0x800;
export const __GFP_NOWARN = 0x2000;
export const __GFP_NOFAIL = 0x8000;
export const __GFP_RECLAIM = __GFP_DIRECT_RECLAIM | __GFP_KSWAPD_RECLAIM;

export const GFP_ATOMIC = __GFP_HIGH | __GFP_ATOMIC | __GFP_KSWAPD_RECLAIM;
export const GFP_KERNEL = __GFP_RECLAIM | __GFP_IO | __GFP_FS;
export const GFP_NOWAIT = __GFP_KSWAPD_RECLAIM;
export const GFP_NOIO = __GFP_RECLAIM;
export const GFP_NOFS = __GFP_RECLAIM | __GFP_IO;
export const GFP_DMA = __GFP_DMA;
export const GFP_DMA32 = __GFP_DMA32;

export function gfpflags_allow_blocking(gfp: number): boolean {
  return (gfp & __GFP_DIRECT_RECLAIM) !== 0;
}

/** Heap states of a handle. */
const LIVE = 1;
const FREED = 2;
/** FREE event statuses (F_B & 3). */
export const KFREE_OK = 0;
export const KFREE_INVALID = 1;
export const KFREE_DOUBLE = 2;

function allocAs(name: string, _size: number, gfp: number): number | null {
  const rt = thisCpu(name);
  rt.point();
  const fn = kfn(name);
  if (gfpflags_allow_blocking(gfp)) mightSleep(rt, fn);
  if (rt.def.faults?.kmalloc && (gfp & __GFP_NOFAIL) === 0 && rt.chooseFault()) {
    rt.emit(Op.ALLOC, -1, 0, gfp, fn);
    return null;
  }
  const m = rt.m;
  const heap = rt.L.heapBase;
  const h = m[heap]! + 1;
  if (h > HEAP_MAX) throw new Error(`${name}(): more than ${HEAP_MAX} allocations in one trial`);
  m[heap] = h;
  m[heap + h] = LIVE;
  rt.emit(Op.ALLOC, -1, h, gfp, fn);
  return h;
}

export const kmalloc = (size: number, gfp: number): number | null => allocAs('kmalloc', size, gfp);
export const kzalloc = (size: number, gfp: number): number | null => allocAs('kzalloc', size, gfp | __GFP_ZERO);

/** kfree(NULL) does nothing; freeing what was not allocated, or twice, is reported. */
export function kfree(p: number | null | undefined): void {
  if (p === null || p === undefined || p === 0) return;
  const rt = thisCpu('kfree');
  rt.point();
  const m = rt.m;
  const heap = rt.L.heapBase;
  const ok = Number.isInteger(p) && p > 0 && p <= m[heap]!;
  const state = ok ? m[heap + p]! : 0;
  if (state === LIVE) {
    m[heap + p] = FREED;
    rt.emit(Op.FREE, -1, p, KFREE_OK, kfn('kfree'));
    return;
  }
  const status = state === FREED ? KFREE_DOUBLE : KFREE_INVALID;
  rt.emit(Op.FREE, -1, ok ? p : -1, status | (rt.siteId() << 2), kfn('kfree'));
}
