/**
 * kfree of something never allocated, or freed twice: KASAN's invalid-free and double-free.
 * The kernel API leaves its verdict in F_B & 3 of FREE and the call site in F_B >> 2; this rule
 * remembers where each object was allocated and freed, for the report's "Allocated by" and
 * "Freed by" lines.
 */
import { F_A, F_B, F_OP, Op } from '../../machine/events.ts';
import { finding, type AtomicRuleType } from './rule.ts';

const KFREE_DOUBLE = 2;

export const KFREE_STATUS: AtomicRuleType = {
  ops: [Op.ALLOC, Op.FREE],
  create: () => {
    const allocs = new Map<number, number>();
    const frees = new Map<number, number>();
    return {
      onEvent(s, seq, at) {
        const w = s.w;
        const handle = w[at + F_A]!;
        if (w[at + F_OP] === Op.ALLOC) {
          if (handle > 0) allocs.set(handle, seq);
          return;
        }
        const status = w[at + F_B]! & 3;
        if (status === 0) {
          frees.set(handle, seq);
          return;
        }
        const x = s.where(at, w[at + F_B]! >> 2);
        const double = status === KFREE_DOUBLE;
        const allocSeq = allocs.get(handle);
        const freeSeq = frees.get(handle);
        s.report(finding('exception', `kfree:${double ? 'double' : 'invalid'}:${x.site}`, `BUG: KASAN: ${double ? 'double-free' : 'invalid-free'} in kfree`, {
          ...x, type: 'kfree', double, handle,
          allocRef: allocSeq === undefined ? undefined : { trial: s.t.index, seq: allocSeq },
          freeRef: freeSeq === undefined ? undefined : { trial: s.t.index, seq: freeSeq },
        }, { ...s.shown(seq, x), locks: [] }));
      },
    };
  },
};
