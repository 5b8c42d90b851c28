/**
 * spurious-irq: a line delivered in a trial whose handlers all returned IRQ_NONE, the kernel's
 * __report_bad_irq() ("nobody cared").
 */
import { F_A, F_B, F_CPU, Op } from '../../machine/events.ts';
import { finding, type AtomicRuleType } from './rule.ts';

export const SPURIOUS_IRQ: AtomicRuleType = {
  ops: [Op.IRQ_EXIT],
  create: () => {
    let lines: { deliveries: number; handled: number; cpus: Set<number> }[] | undefined;
    return {
      onEvent(s, _seq, at) {
        const w = s.w;
        lines ??= s.t.layout.lines.map(() => ({ deliveries: 0, handled: 0, cpus: new Set<number>() }));
        // only deliveries whose handlers returned count: a handler stuck in a deadlock
        // said nothing about whether it handled the interrupt
        const l = lines[w[at + F_A]!];
        if (!l) return;
        l.deliveries++;
        l.cpus.add(w[at + F_CPU]!);
        if (w[at + F_B] !== 0) l.handled++;
      },
      onEnd(s) {
        lines?.forEach((l, idx) => {
          if (l.deliveries === 0 || l.handled > 0) return;
          const line = s.t.layout.lines[idx]!;
          const cpus = [...l.cpus].sort((a, b) => a - b);
          s.report(
            finding(
              'spurious-irq',
              `spurious-irq:${line.irq}`,
              `irq ${line.irq}: nobody cared (try booting with the "irqpoll" option)`,
              {
                type: 'spurious',
                irq: line.irq,
                name: line.name,
                deliveries: l.deliveries,
                cpus,
              },
              { cpus: [...cpus] },
            ),
          );
        });
      },
    };
  },
};
