/**
 * sleep-in-atomic: a call that may sleep (SLEEP) with in_atomic() or irqs disabled, whether or
 * not it would have blocked: the kernel's might_sleep() → __might_resched(). The kernel API
 * stamps the call site into F_A in atomic context, so the signature names the site on every
 * trial, not only on replays.
 */
import { Ctx, EvFlag, F_A, F_CTX, F_FLAGS, F_FN, F_PCOUNT, KFN_NAMES, Op } from '../../machine/events.ts';
import { finding, type AtomicRuleType } from './rule.ts';

export const SLEEP_IN_ATOMIC: AtomicRuleType = {
  ops: [Op.SLEEP],
  create: () => ({
    onEvent(s, seq, at) {
      const w = s.w;
      const pcount = w[at + F_PCOUNT]!;
      const irqsOff = (w[at + F_FLAGS]! & EvFlag.IRQS_DISABLED) !== 0;
      if (pcount === 0 && !irqsOff && w[at + F_CTX] === Ctx.TASK) return;
      const x = s.where(at, w[at + F_A]!);
      const fn = KFN_NAMES[w[at + F_FN]!] ?? '?';
      s.report(finding('sleep-in-atomic', `sleep-in-atomic:${s.t.text(w[at + F_A]!)}:${pcount}:${irqsOff ? 1 : 0}`, `BUG: sleeping function called from invalid context at ${x.site}`, {
        ...x, type: 'sleep', fn, inAtomic: pcount !== 0, irqsOff, pcount,
      }, s.shown(seq, x)));
    },
  }),
};
