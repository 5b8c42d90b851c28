/**
 * The kmalloc heap, in the buffer's heap region: word 0 is the last handle given, then one
 * state word per handle (LIVE, FREED), one field count per handle, and the objects' int fields,
 * so any CPU may follow a pointer another stored, free what another allocated, and KASAN's
 * verdict (use after free, out of bounds, double or invalid free) is read from shared state.
 * Handles are never reused within a trial, so a freed object's words stay what they were, as
 * memory in KASAN's quarantine does.
 */
import { HEAP_MAX, KOBJ_FIELDS_MAX } from './capacities.ts';
import { KFREE_SITE_SHIFT, KasanBug, KfreeStatus, Op } from './events.ts';
import type { CpuRuntime } from './runtime.ts';

const LIVE = 1;
const FREED = 2;

export class Heap {
  private readonly counts: number;
  private readonly fields: number;

  constructor(
    private readonly m: Int32Array,
    private readonly base: number,
  ) {
    this.counts = base + HEAP_MAX;
    this.fields = base + 1 + 2 * HEAP_MAX;
  }

  /** Forget every handle (trial start). */
  reset(): void {
    const last = this.m[this.base]!;
    this.m.fill(0, this.base, this.base + 1 + last);
    this.m.fill(0, this.counts + 1, this.counts + 1 + last);
  }

  /** A new handle (1, 2 …) of `nfields` zeroed ints; throws when the trial has used HEAP_MAX of them. */
  alloc(fn: string, nfields: number): number {
    const h = this.m[this.base]! + 1;
    if (h > HEAP_MAX) throw new Error(`${fn}(): more than ${HEAP_MAX} allocations in one trial (HEAP_MAX)`);
    if (!(nfields >= 0 && nfields <= KOBJ_FIELDS_MAX))
      throw new Error(`${fn}(): an object has at most ${KOBJ_FIELDS_MAX} int fields (KOBJ_FIELDS_MAX)`);
    this.m[this.base] = h;
    this.m[this.base + h] = LIVE;
    this.m[this.counts + h] = nfields;
    const at = this.fieldAt(h, 0);
    this.m.fill(0, at, at + KOBJ_FIELDS_MAX);
    return h;
  }

  /** Free handle p: KfreeStatus.OK, or DOUBLE / INVALID (then nothing changes). */
  free(p: number): number {
    const state = this.state(p);
    if (state === LIVE) {
      this.m[this.base + p] = FREED;
      return KfreeStatus.OK;
    }
    return state === FREED ? KfreeStatus.DOUBLE : KfreeStatus.INVALID;
  }

  /**
   * What KASAN finds accessing field `i` of object `p`: 0 (a good access), or KasanBug.*. A
   * pointer that was never a handle is out of bounds of any object, as a wild pointer is.
   */
  check(p: number, i: number): number {
    const state = this.state(p);
    if (state === 0 || !Number.isInteger(i) || i < 0 || i >= this.m[this.counts + p]!) return KasanBug.OUT_OF_BOUNDS;
    return state === FREED ? KasanBug.USE_AFTER_FREE : 0;
  }

  /** Fields of object p (its size in ints). */
  nfields(p: number): number {
    return this.state(p) === 0 ? 0 : this.m[this.counts + p]!;
  }

  /** Plain load and store of a field check() allowed. */
  read(p: number, i: number): number {
    return this.m[this.fieldAt(p, i)]!;
  }
  write(p: number, i: number, v: number): void {
    this.m[this.fieldAt(p, i)] = v | 0;
  }

  private state(p: number): number {
    return Number.isInteger(p) && p > 0 && p <= this.m[this.base]! ? this.m[this.base + p]! : 0;
  }
  private fieldAt(p: number, i: number): number {
    return this.fields + (p - 1) * KOBJ_FIELDS_MAX + i;
  }
}

/**
 * Free object p on rt's context and emit the FREE event with KASAN's verdict (a double or
 * invalid free carries its call site): kfree(), and kfree_rcu()'s callback.
 */
export function freeObject(rt: CpuRuntime, p: number, fn: number): void {
  const status = rt.heap.free(p);
  if (status === KfreeStatus.OK) {
    rt.emit(Op.FREE, -1, p, status, fn);
    return;
  }
  const known = status === KfreeStatus.DOUBLE;
  rt.emit(Op.FREE, -1, known ? p : -1, status | (rt.siteId() << KFREE_SITE_SHIFT), fn);
}
