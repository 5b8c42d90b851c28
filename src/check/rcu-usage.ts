/**
 * CONFIG_PROVE_RCU's lockdep_rcu_suspicious(): the kernel API leaves an RCU_WARN event where an
 * RCU_LOCKDEP_WARN condition held; this detector adds what the kernel prints under it, the
 * read-side critical sections the context was in (rcu_read_lock as a held lock).
 */
import { EV_WORDS, F_A, F_AGENT, F_B, F_CPU, F_OP, F_TID, Op, RcuWarning } from '../machine/events.ts';
import { siteText } from '../machine/call-site.ts';
import { findingKinds, type Detector, type EventRef } from './detector.ts';

export const RCU_USAGE = 'rcu-usage';
export const RCU_USAGE_KINDS = findingKinds(['suspicious-rcu-usage']);

/** The line lockdep_rcu_suspicious() prints after the file:line of the check. */
export const RCU_WARNINGS: Record<number, string> = {
  [RcuWarning.DEREFERENCE]: 'suspicious rcu_dereference_check() usage!',
  [RcuWarning.DEREFERENCE_PROTECTED]: 'suspicious rcu_dereference_protected() usage!',
  [RcuWarning.SYNCHRONIZE_IN_READER]: 'Illegal synchronize_rcu() in RCU read-side critical section!',
};

export interface RcuUsageData {
  message: string;
  site: string;
  cpu: number;
  pid: number;
  /** where the context's open rcu_read_lock()s were taken, outermost first */
  readers: EventRef[];
}

export function createRcuUsage(): Detector<RcuUsageData, 'suspicious-rcu-usage'> {
  // open read-side sections by agent; kept from trial to trial and cleared
  const open = new Map<number, EventRef[]>();
  return {
    name: RCU_USAGE,
    onTrial(t, report) {
      const w = t.events.words;
      if (open.size > 0) open.clear(); // clear() makes a new table
      for (let i = 0, at = 0; i < t.events.length; i++, at += EV_WORDS) {
        const op = w[at + F_OP];
        const agent = w[at + F_AGENT]!;
        if (op === Op.RCU_READ_LOCK) open.set(agent, [...(open.get(agent) ?? []), { trial: t.index, seq: i }]);
        else if (op === Op.RCU_READ_UNLOCK) open.set(agent, (open.get(agent) ?? []).slice(0, w[at + F_A]!));
        else if (op === Op.RCU_WARN) {
          const message = RCU_WARNINGS[w[at + F_A]!] ?? 'suspicious RCU usage';
          const site = siteText(t.text(w[at + F_B]!)).where;
          const readers = open.get(agent) ?? [];
          report({
            kind: 'suspicious-rcu-usage',
            signature: `rcu:${w[at + F_A]}:${site}`,
            title: 'WARNING: suspicious RCU usage',
            cpus: [w[at + F_CPU]!],
            locks: readers.map(() => 'rcu_read_lock'),
            refs: [{ trial: t.index, seq: i }, ...readers],
            detector: RCU_USAGE,
            data: { message, site, cpu: w[at + F_CPU]!, pid: w[at + F_TID]!, readers },
          });
        }
      }
    },
  };
}
