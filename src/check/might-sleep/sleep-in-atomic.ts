/**
 * sleep-in-atomic: a call that may sleep (SLEEP) with in_atomic() or irqs disabled, whether or
 * not it would have blocked: the kernel's might_sleep() → __might_resched(). The kernel API
 * stamps the call site into F_A in atomic context, so the signature names the site on every
 * trial, not only on replays. It follows each agent's rcu_read_lock nesting for the report's
 * "RCU nest depth" line (a reader runs with preemption off: sleeping there is this bug).
 */
import {
  Ctx,
  EvFlag,
  F_A,
  F_AGENT,
  F_CTX,
  F_FLAGS,
  F_FN,
  F_OP,
  F_PCOUNT,
  KFN_NAMES,
  Op,
} from '../../machine/events.ts';
import { finding, type AtomicRuleType } from './rule.ts';

export const SLEEP_IN_ATOMIC: AtomicRuleType = {
  ops: [Op.SLEEP, Op.RCU_READ_LOCK, Op.RCU_READ_UNLOCK],
  create: () => {
    const rcuDepth = new Map<number, number>();
    return {
      onEvent(s, seq, at) {
        const w = s.w;
        if (w[at + F_OP] !== Op.SLEEP) {
          rcuDepth.set(w[at + F_AGENT]!, w[at + F_A]!);
          return;
        }
        const pcount = w[at + F_PCOUNT]!;
        const irqsOff = (w[at + F_FLAGS]! & EvFlag.IRQS_DISABLED) !== 0;
        if (pcount === 0 && !irqsOff && w[at + F_CTX] === Ctx.TASK) return;
        const x = s.where(at, w[at + F_A]!);
        const fn = KFN_NAMES[w[at + F_FN]!] ?? '?';
        s.report(
          finding(
            'sleep-in-atomic',
            `sleep-in-atomic:${s.t.text(w[at + F_A]!)}:${pcount}:${irqsOff ? 1 : 0}`,
            `BUG: sleeping function called from invalid context at ${x.site}`,
            {
              ...x,
              type: 'sleep',
              fn,
              inAtomic: pcount !== 0,
              irqsOff,
              pcount,
              rcuDepth: rcuDepth.get(w[at + F_AGENT]!) ?? 0,
            },
            s.shown(seq, x),
          ),
        );
      },
    };
  },
};
