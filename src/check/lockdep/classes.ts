/**
 * Lock classes. A class is a state key (every instance of spinlocks(n) shares one), and each
 * spin_lock_nested subclass of it is a class of its own, printed `key/N` as the kernel prints
 * `&lock/1`. Classes are named, not numbered by object id, so the graph they carry survives
 * across trials and stays meaningful for any layout of the same scenario.
 *
 * Per-object lookups are cached in typed arrays indexed by object id; the usage mask of every
 * class lives here too, since both the checks and the report lines read it.
 */
import type { Layout } from '../../machine/layout.ts';
import { lockTypeOf } from './lock-types.ts';
import { usageChars } from './usage-bits.ts';

/** spin_lock_nested subclasses 0-7 (LockFlag.SUBCLASS_MASK). */
export const MAX_SUBCLASSES = 8;

export class LockClasses {
  /** class id → printed name */
  readonly names: string[] = [];
  /** class id → usage bits (1 << USAGE bit) */
  usage = new Int32Array(16);
  private readonly byName = new Map<string, number>();

  private layout: Layout | undefined;
  /** object id → class id of subclass 0, or -1 when lockdep does not validate the object */
  private objClass = new Int32Array(0);
  /** object id × MAX_SUBCLASSES → class id, -1 until first used */
  private objSubclass = new Int32Array(0);
  /** object id → 1 when the object can be read-locked */
  private objReaders = new Uint8Array(0);

  get count(): number {
    return this.names.length;
  }

  /** Cache per-object class data for the trial's layout (cheap when it is unchanged). */
  bind(layout: Layout): void {
    if (layout === this.layout) return;
    this.layout = layout;
    const n = layout.objects.length;
    this.objClass = new Int32Array(n).fill(-1);
    this.objSubclass = new Int32Array(n * MAX_SUBCLASSES).fill(-1);
    this.objReaders = new Uint8Array(n);
    for (const o of layout.objects) {
      const type = lockTypeOf(o.kind);
      if (!type.validated) continue;
      this.objReaders[o.id] = type.readers ? 1 : 0;
      const c = this.intern(type.className(o.key));
      this.objClass[o.id] = c;
      this.objSubclass[o.id * MAX_SUBCLASSES] = c;
    }
  }

  /** Class of an acquisition of `obj` with `subclass`, -1 when lockdep ignores the object. */
  classOf(obj: number, subclass: number): number {
    if (obj < 0 || obj >= this.objClass.length) return -1;
    if (subclass === 0) return this.objClass[obj]!;
    const base = this.objClass[obj]!;
    if (base < 0) return -1;
    const slot = obj * MAX_SUBCLASSES + subclass;
    let c = this.objSubclass[slot]!;
    if (c < 0) {
      c = this.intern(`${this.names[base]}/${subclass}`);
      this.objSubclass[slot] = c;
    }
    return c;
  }

  hasReaders(obj: number): boolean {
    return this.objReaders[obj] === 1;
  }

  /** The key of the lock instance, for messages that name the lock rather than a class. */
  baseName(obj: number): string {
    const c = obj >= 0 && obj < this.objClass.length ? this.objClass[obj]! : -1;
    return c >= 0 ? this.names[c]! : '?';
  }

  usageString(cls: number): string {
    return usageChars(this.usage[cls]!);
  }

  private intern(name: string): number {
    let c = this.byName.get(name);
    if (c !== undefined) return c;
    c = this.names.length;
    this.names.push(name);
    this.byName.set(name, c);
    if (c >= this.usage.length) {
      const grown = new Int32Array(this.usage.length * 2);
      grown.set(this.usage);
      this.usage = grown;
    }
    return c;
  }
}
