/**
 * kmalloc / kfree. An object has ceil(size / 4) int fields (or a kstruct's named ones): see
 * kobj.ts for reading and writing them. A gfp mask with __GFP_DIRECT_RECLAIM (GFP_KERNEL, GFP_NOIO, GFP_NOFS …) may
 * sleep; GFP_ATOMIC and GFP_NOWAIT never do. An allocation returns a handle (a non-zero number,
 * like a pointer it can be stored in shared memory and freed on any CPU) or null; it fails only
 * as a strategy choice, when the scenario opts in with `faults: { kmalloc: true }`.
 *
 * Events: ALLOC (F_A handle or 0 when it failed, F_B gfp | fields << ALLOC_FIELDS_SHIFT); FREE (F_A handle, F_B = KfreeStatus,
 * plus the call site's string id above KFREE_SITE_SHIFT when the status is not OK).
 */
import { ALLOC_FIELDS_SHIFT, GFP_MASK, Op, kfn } from '../machine/events.ts';
import { freeObject } from '../machine/heap.ts';
import { thisCpu } from './cpu.ts';
import { mightSleep } from './sleep.ts';
import { KOBJ_FIELDS_MAX } from '../machine/capacities.ts';
import type { KStruct } from './kobj.ts';

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

/** An object's int fields: a kstruct's, or as many as `size` bytes hold (at most KOBJ_FIELDS_MAX). */
function fieldsOf(name: string, size: number | KStruct): number {
  if (typeof size === 'object') return size.fields.length;
  if (!Number.isInteger(size) || size < 0)
    throw new Error(`${name}(): size must be a non-negative integer or a kstruct`);
  return Math.min(Math.ceil(size / 4), KOBJ_FIELDS_MAX);
}

function allocAs(name: string, size: number | KStruct, gfp: number): number | null {
  const nfields = fieldsOf(name, size);
  const rt = thisCpu(name);
  rt.point();
  const fn = kfn(name);
  if (gfpflags_allow_blocking(gfp)) mightSleep(rt, fn);
  if (rt.def.faults?.kmalloc && (gfp & __GFP_NOFAIL) === 0 && rt.chooseFault()) {
    rt.emit(Op.ALLOC, -1, 0, gfp, fn);
    return null;
  }
  const h = rt.heap.alloc(name, nfields);
  rt.emit(Op.ALLOC, -1, h, (gfp & GFP_MASK) | (nfields << ALLOC_FIELDS_SHIFT), fn);
  return h;
}

export const kmalloc = (size: number | KStruct, gfp: number): number | null => allocAs('kmalloc', size, gfp);
export const kzalloc = (size: number | KStruct, gfp: number): number | null =>
  allocAs('kzalloc', size, gfp | __GFP_ZERO);

/** kfree(NULL) does nothing; freeing what was not allocated, or twice, is reported. */
export function kfree(p: number | null | undefined): void {
  if (p === null || p === undefined || p === 0) return;
  const rt = thisCpu('kfree');
  rt.point();
  freeObject(rt, p, kfn('kfree'));
}
