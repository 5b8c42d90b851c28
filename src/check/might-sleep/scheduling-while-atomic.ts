/**
 * scheduling-while-atomic: a context really went to sleep (BLOCK) with a preempt count, the
 * kernel's __schedule_bug(). The site is in F_A, as for sleep-in-atomic.
 */
import { F_A, F_FN, F_PCOUNT, KFN_NAMES, Op } from '../../machine/events.ts';
import { finding, type AtomicRuleType } from './rule.ts';

export const SCHEDULING_WHILE_ATOMIC: AtomicRuleType = {
  ops: [Op.BLOCK],
  create: () => ({
    onEvent(s, seq, at) {
      const w = s.w;
      const pcount = w[at + F_PCOUNT]!;
      if (pcount === 0) return;
      const x = s.where(at, w[at + F_A]!);
      const comm = x.pid === 0 ? `swapper/${x.cpu}` : s.t.layout.taskName(x.pid);
      s.report(
        finding(
          'scheduling-while-atomic',
          `scheduling-while-atomic:${s.t.text(w[at + F_A]!)}:${pcount}`,
          `BUG: scheduling while atomic: ${comm}/${x.pid}/0x${pcount.toString(16).padStart(8, '0')}`,
          {
            ...x,
            type: 'schedule',
            fn: KFN_NAMES[w[at + F_FN]!] ?? '?',
            pcount,
          },
          s.shown(seq, x),
        ),
      );
    },
  }),
};
