/**
 * refcount_t's warnings (lib/refcount.c, refcount_warn_saturate): the kernel API saturates the
 * count and leaves a REFCOUNT_WARN event naming what went wrong; this detector turns each into
 * a finding with the kernel's text.
 */
import {
  EV_WORDS,
  F_A,
  F_B,
  F_CPU,
  F_FN,
  F_OBJ,
  F_OP,
  F_TID,
  KFN_NAMES,
  Op,
  RefcountSaturation,
} from '../machine/events.ts';
import { siteText } from '../machine/call-site.ts';
import { findingKinds, type Detector } from './detector.ts';

export const REFCOUNT = 'refcount';
export const REFCOUNT_KINDS = findingKinds(['refcount-warning']);

/** REFCOUNT_WARN()'s text for each enum refcount_saturation_type. */
export const REFCOUNT_MESSAGES: Record<number, string> = {
  [RefcountSaturation.ADD_NOT_ZERO_OVF]: 'refcount_t: saturated; leaking memory.',
  [RefcountSaturation.ADD_OVF]: 'refcount_t: saturated; leaking memory.',
  [RefcountSaturation.ADD_UAF]: 'refcount_t: addition on 0; use-after-free.',
  [RefcountSaturation.SUB_UAF]: 'refcount_t: underflow; use-after-free.',
  [RefcountSaturation.DEC_LEAK]: 'refcount_t: decrement hit 0; leaking memory.',
};

export interface RefcountData {
  message: string;
  /** the refcount_t or kref's object id */
  obj: number;
  /** the kernel call that warned */
  fn: string;
  cpu: number;
  pid: number;
  site: string;
}

export function createRefcountWarnings(): Detector<RefcountData, 'refcount-warning'> {
  return {
    name: REFCOUNT,
    onTrial(t, report) {
      const w = t.events.words;
      for (let i = 0, at = 0; i < t.events.length; i++, at += EV_WORDS) {
        if (w[at + F_OP] !== Op.REFCOUNT_WARN) continue;
        const message = REFCOUNT_MESSAGES[w[at + F_A]!] ?? 'refcount_t: saturated; leaking memory.';
        const site = siteText(t.text(w[at + F_B]!)).where;
        const obj = w[at + F_OBJ]!;
        report({
          kind: 'refcount-warning',
          signature: `refcount:${w[at + F_A]}:${site}`,
          title: message,
          cpus: [w[at + F_CPU]!],
          locks: [],
          refs: [{ trial: t.index, seq: i }],
          detector: REFCOUNT,
          data: { message, obj, fn: KFN_NAMES[w[at + F_FN]!] ?? '?', cpu: w[at + F_CPU]!, pid: w[at + F_TID]!, site },
        });
      }
    },
  };
}
