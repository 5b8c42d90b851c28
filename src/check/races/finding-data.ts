/** What a data-race finding carries to its renderer (src/report/kcsan.ts). */
import type { EventRef } from '../detector.ts';

export interface RaceAccess {
  ref: EventRef;
  cpu: number;
  /** Ctx.* of the context that made it */
  ctx: number;
  pid: number;
  write: boolean;
  /** READ_ONCE/WRITE_ONCE, smp_load_acquire/smp_store_release */
  marked: boolean;
  /** value read or written, and the old value of a write */
  value: number;
  old: number;
  /** function making the access, from its call site (capture runs), else the kernel call */
  fn: string;
  /** per-context ordinal: the n-th access of this kind to this object by this context */
  ordinal: number;
}

export interface RaceData {
  /** the declared object, or -1 for a kmalloc object's field */
  obj: number;
  /** the field's kobjAddr (handle and field), when the race is on a kmalloc object */
  heap?: number;
  /** the earlier access in the trial first */
  accesses: [RaceAccess, RaceAccess];
}

export const RACES = 'races';
