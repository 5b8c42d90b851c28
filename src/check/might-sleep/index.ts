/**
 * The atomic-context detector: one pass over each trial's events that keeps the held-lock
 * record and hands each event to the rules that read it, one file per rule:
 *
 *   sleep-in-atomic          SLEEP (a call that may sleep) with in_atomic() or irqs disabled
 *   scheduling-while-atomic  BLOCK: a context really went to sleep with a preempt count
 *   mutex-owner              mutex_unlock of a mutex the caller does not hold (DEBUG_MUTEXES)
 *   spurious-irq             a line delivered in a trial whose handlers all returned IRQ_NONE
 *
 * A new rule is its file and one entry in RULES.
 */
import { EV_WORDS, F_OP } from '../../machine/events.ts';
import type { Detector } from '../detector.ts';
import { HeldLocks } from '../held-locks.ts';
import { MUTEX_OWNER } from './mutex-owner.ts';
import {
  MIGHT_SLEEP,
  TrialScan,
  type AtomicRule,
  type AtomicRuleType,
  type MightSleepData,
  type MightSleepKind,
} from './rule.ts';
import { SCHEDULING_WHILE_ATOMIC } from './scheduling-while-atomic.ts';
import { SLEEP_IN_ATOMIC } from './sleep-in-atomic.ts';
import { SPURIOUS_IRQ } from './spurious-irq.ts';

export const RULES: readonly AtomicRuleType[] = [SLEEP_IN_ATOMIC, SCHEDULING_WHILE_ATOMIC, MUTEX_OWNER, SPURIOUS_IRQ];

export { MIGHT_SLEEP, MIGHT_SLEEP_KINDS, type MightSleepData, type MightSleepFinding } from './rule.ts';
export type { HeldLock } from '../held-locks.ts';

export function createMightSleep(): Detector<MightSleepData, MightSleepKind> {
  // which rules (by index in RULES) read each op, indexed by op: this is looked up per event
  const readersOf: number[][] = [];
  RULES.forEach((r, k) => {
    for (const op of r.ops) readersOf[op] = [...(readersOf[op] ?? []), k];
  });
  const held = new HeldLocks();
  const rules: (AtomicRule | undefined)[] = new Array(RULES.length).fill(undefined);
  return {
    name: MIGHT_SLEEP,
    onTrial(t, report) {
      // a rule's state is made at the first event it reads: most trials give most rules none
      rules.fill(undefined);
      held.begin(t.layout, t.index);
      const s = new TrialScan(t, held, report);
      const w = t.events.words;
      for (let i = 0, at = 0; i < t.events.length; i++, at += EV_WORDS) {
        held.follow(w, at, i);
        const readers = readersOf[w[at + F_OP]!];
        // indexed, not for-of: an iterator per event is most of what a trial allocates
        if (!readers) continue;
        for (let j = 0; j < readers.length; j++) {
          const k = readers[j]!;
          const rule = rules[k] ?? (rules[k] = RULES[k]!.create());
          rule.onEvent(s, i, at);
        }
      }
      for (const r of rules) r?.onEnd?.(s);
    },
  };
}
