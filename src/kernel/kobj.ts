/**
 * The fields of kmalloc objects: what C spells `p->field`. A pointer is the handle kmalloc gave
 * (a number, so it can be stored in a `shared` or `atomic` cell and followed on any CPU); every
 * field read and write is a scheduling point and an event the race detector watches like a
 * `shared` cell. KASAN looks at each access first: a field of a freed object is a use after
 * free, an index past the object's fields (or a pointer kmalloc never gave) is out of bounds.
 * KASAN reports and lets the access go on, as the kernel does; an out-of-bounds write is
 * dropped, since there is no neighbouring object here for it to corrupt.
 */
import { KASAN_SITE_SHIFT, KASAN_WRITE, KasanBug, Op, kfn, kobjAddr } from '../machine/events.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';

/** A struct's layout: its int fields, by name, in order. */
export interface KStruct<F extends string = string> {
  readonly name: string;
  readonly fields: readonly F[];
}

/** `struct name { int f0; int f1; … }`: declare it at module level, so every CPU knows it. */
export function kstruct<const F extends string>(name: string, ...fields: F[]): KStruct<F> {
  if (new Set(fields).size !== fields.length) throw new Error(`kstruct ${name}: a field is named twice`);
  return Object.freeze({ name, fields: Object.freeze([...fields]) });
}

/** A pointer to a kmalloc object (0 or null: NULL). */
export type KPtr = number | null | undefined;

const FN_READ = kfn('kobj_read');
const FN_WRITE = kfn('kobj_write');

/** KASAN's look at the access: 0 for a good one, else the KasanBug it reported. */
function kasan(rt: CpuRuntime, p: number, i: number, write: boolean): number {
  const bug = rt.heap.check(p, i);
  if (bug !== 0)
    rt.emit(
      Op.KASAN,
      -1,
      bug | (write ? KASAN_WRITE : 0) | (rt.siteId() << KASAN_SITE_SHIFT),
      kobjAddr(p, i),
      write ? FN_WRITE : FN_READ,
    );
  return bug;
}

function pointer(p: KPtr, name: string): number {
  if (p === null || p === undefined || p === 0) throw new Error(`${name}(): NULL pointer dereference`);
  if (typeof p !== 'number') throw new Error(`${name}(): argument is not a pointer kmalloc returned`);
  return p;
}

/** ((int *)p)[i]: the i-th int field of object p. */
export function kobj_read(p: KPtr, i: number): number {
  const rt = thisCpu('kobj_read');
  const h = pointer(p, 'kobj_read');
  rt.point();
  const bug = kasan(rt, h, i, false);
  if (bug === KasanBug.OUT_OF_BOUNDS) return 0;
  const v = rt.heap.read(h, i);
  if (bug === 0) rt.emit(Op.KOBJ_READ, -1, v, kobjAddr(h, i), FN_READ);
  return v;
}

/** ((int *)p)[i] = v */
export function kobj_write(p: KPtr, i: number, v: number): void {
  const rt = thisCpu('kobj_write');
  const h = pointer(p, 'kobj_write');
  rt.point();
  const bug = kasan(rt, h, i, true);
  if (bug === KasanBug.OUT_OF_BOUNDS) return;
  rt.heap.write(h, i, v);
  if (bug === 0) rt.emit(Op.KOBJ_WRITE, -1, v | 0, kobjAddr(h, i), FN_WRITE);
}

/** p as a struct T: `deref(p, Node).next` is p->next, each access a kobj_read/kobj_write. */
export function deref<F extends string>(p: KPtr, t: KStruct<F>): { [K in F]: number } {
  const h = pointer(p, 'deref');
  const view = {} as { [K in F]: number };
  t.fields.forEach((f, i) => {
    Object.defineProperty(view, f, {
      get: () => kobj_read(h, i),
      set: (v: number) => kobj_write(h, i, v),
      enumerable: true,
    });
  });
  return view;
}
