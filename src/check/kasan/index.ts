/**
 * KASAN, the kernel address sanitizer, over the event stream: the kernel API leaves its verdict
 * on each bad heap access (KASAN events: use after free, out of bounds) and each bad kfree
 * (FREE with a non-OK status: double free, invalid free); this detector remembers where each
 * object was allocated and freed, for the report's "Allocated by task" and "Freed by task"
 * parts, as KASAN's stack depot does.
 */
import {
  ALLOC_FIELDS_SHIFT,
  EV_WORDS,
  F_A,
  F_B,
  F_CPU,
  F_CTX,
  F_FN,
  F_OP,
  F_TID,
  KASAN_SITE_SHIFT,
  KASAN_WRITE,
  KFREE_SITE_SHIFT,
  KFN_NAMES,
  KasanBug,
  KfreeStatus,
  Op,
  kobjField,
  kobjHandle,
} from '../../machine/events.ts';
import { siteText } from '../../machine/call-site.ts';
import { findingKinds, type Detector, type EventRef, type RawFinding, type TrialInfo } from '../detector.ts';

export const KASAN = 'kasan';
export const KASAN_KINDS = findingKinds(['use-after-free', 'slab-out-of-bounds', 'double-free', 'invalid-free']);
export type KasanKind = (typeof KASAN_KINDS)[number];

/** Where an object's allocation or free happened. */
export interface HeapEvent {
  ref: EventRef;
  pid: number;
  cpu: number;
  /** kmalloc, kzalloc, kfree */
  fn: string;
}

export interface KasanData {
  /** KASAN's bug type, as its title prints it */
  bug: 'slab-use-after-free' | 'slab-out-of-bounds' | 'double-free' | 'invalid-free';
  /** an access (Read/Write of size 4) or a free */
  access: 'read' | 'write' | 'free';
  handle: number;
  /** the int field accessed (0 for a free) */
  field: number;
  /** the object's size in ints, 0 when the pointer was never an object */
  nfields: number;
  cpu: number;
  pid: number;
  ctx: number;
  /** file.ts:line and function of the bad access */
  site: string;
  fn: string;
  alloc?: HeapEvent;
  free?: HeapEvent;
}

export type KasanFinding = RawFinding<KasanData, KasanKind>;

const KIND: Record<KasanData['bug'], KasanKind> = {
  'slab-use-after-free': 'use-after-free',
  'slab-out-of-bounds': 'slab-out-of-bounds',
  'double-free': 'double-free',
  'invalid-free': 'invalid-free',
};

export function createKasan(): Detector<KasanData, KasanKind> {
  return new KasanDetector();
}

/**
 * One per run. Its maps (per trial, by handle) live as long as it and are cleared only when a
 * trial used them: most trials allocate nothing, and Map.prototype.clear makes a new table.
 */
class KasanDetector implements Detector<KasanData, KasanKind> {
  readonly name = KASAN;
  private readonly allocs = new Map<number, HeapEvent>();
  private readonly sizes = new Map<number, number>();
  private readonly frees = new Map<number, HeapEvent>();
  private t!: TrialInfo;
  private w!: Int32Array;
  private report!: (f: KasanFinding) => void;

  onTrial(t: TrialInfo, report: (f: KasanFinding) => void): void {
    const w = t.events.words;
    this.t = t;
    this.w = w;
    this.report = report;
    if (this.allocs.size > 0) this.allocs.clear();
    if (this.sizes.size > 0) this.sizes.clear();
    if (this.frees.size > 0) this.frees.clear();
    for (let i = 0, at = 0; i < t.events.length; i++, at += EV_WORDS) {
      const op = w[at + F_OP]!;
      if (op === Op.ALLOC) {
        const h = w[at + F_A]!;
        if (h > 0) {
          this.allocs.set(h, this.here(at, i));
          this.sizes.set(h, w[at + F_B]! >>> ALLOC_FIELDS_SHIFT);
        }
      } else if (op === Op.FREE) {
        const h = w[at + F_A]!;
        const status = w[at + F_B]! & KfreeStatus.MASK;
        if (status === KfreeStatus.OK) this.frees.set(h, this.here(at, i));
        else
          this.bad(
            at,
            i,
            status === KfreeStatus.DOUBLE ? 'double-free' : 'invalid-free',
            'free',
            h,
            0,
            w[at + F_B]! >>> KFREE_SITE_SHIFT,
          );
      } else if (op === Op.KASAN) {
        const a = w[at + F_A]!;
        const addr = w[at + F_B]!;
        const bug = (a & KasanBug.MASK) === KasanBug.USE_AFTER_FREE ? 'slab-use-after-free' : 'slab-out-of-bounds';
        this.bad(
          at,
          i,
          bug,
          a & KASAN_WRITE ? 'write' : 'read',
          kobjHandle(addr),
          kobjField(addr),
          a >>> KASAN_SITE_SHIFT,
        );
      }
    }
  }

  private here(at: number, seq: number): HeapEvent {
    const w = this.w;
    return {
      ref: { trial: this.t.index, seq },
      pid: w[at + F_TID]!,
      cpu: w[at + F_CPU]!,
      fn: KFN_NAMES[w[at + F_FN]!] ?? '?',
    };
  }

  private bad(
    at: number,
    seq: number,
    bug: KasanData['bug'],
    access: KasanData['access'],
    handle: number,
    field: number,
    siteId: number,
  ): void {
    const w = this.w;
    const t = this.t;
    const s = siteText(t.text(siteId));
    const alloc = this.allocs.get(handle);
    const free = this.frees.get(handle);
    this.report({
      kind: KIND[bug],
      signature: `kasan:${bug}:${s.where}`,
      title: `BUG: KASAN: ${bug} in ${access === 'free' ? 'kfree' : s.fn}`,
      cpus: [w[at + F_CPU]!],
      locks: [],
      refs: [{ trial: t.index, seq }, ...(alloc ? [alloc.ref] : []), ...(free ? [free.ref] : [])],
      detector: KASAN,
      data: {
        bug,
        access,
        handle,
        field,
        nfields: this.sizes.get(handle) ?? 0,
        cpu: w[at + F_CPU]!,
        pid: w[at + F_TID]!,
        ctx: w[at + F_CTX]!,
        site: s.where,
        fn: s.fn,
        alloc,
        free,
      },
    });
  }
}
