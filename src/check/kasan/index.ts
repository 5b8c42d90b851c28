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
import { findingKinds, type Detector, type EventRef, type RawFinding } from '../detector.ts';

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
  // per trial, by handle; kept from trial to trial and cleared (most trials allocate nothing)
  const allocs = new Map<number, HeapEvent>();
  const sizes = new Map<number, number>();
  const frees = new Map<number, HeapEvent>();
  return {
    name: KASAN,
    onTrial(t, report) {
      const w = t.events.words;
      // clear() makes a new table even when empty
      if (allocs.size > 0) allocs.clear();
      if (sizes.size > 0) sizes.clear();
      if (frees.size > 0) frees.clear();
      const here = (at: number, seq: number): HeapEvent => ({
        ref: { trial: t.index, seq },
        pid: w[at + F_TID]!,
        cpu: w[at + F_CPU]!,
        fn: KFN_NAMES[w[at + F_FN]!] ?? '?',
      });
      const bad = (
        at: number,
        seq: number,
        bug: KasanData['bug'],
        access: KasanData['access'],
        handle: number,
        field: number,
        siteId: number,
      ): void => {
        const s = siteText(t.text(siteId));
        const alloc = allocs.get(handle);
        const free = frees.get(handle);
        report({
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
            nfields: sizes.get(handle) ?? 0,
            cpu: w[at + F_CPU]!,
            pid: w[at + F_TID]!,
            ctx: w[at + F_CTX]!,
            site: s.where,
            fn: s.fn,
            alloc,
            free,
          },
        });
      };
      for (let i = 0, at = 0; i < t.events.length; i++, at += EV_WORDS) {
        const op = w[at + F_OP]!;
        if (op === Op.ALLOC) {
          const h = w[at + F_A]!;
          if (h > 0) {
            allocs.set(h, here(at, i));
            sizes.set(h, w[at + F_B]! >>> ALLOC_FIELDS_SHIFT);
          }
        } else if (op === Op.FREE) {
          const h = w[at + F_A]!;
          const status = w[at + F_B]! & KfreeStatus.MASK;
          if (status === KfreeStatus.OK) frees.set(h, here(at, i));
          else
            bad(
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
          bad(
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
    },
  };
}
