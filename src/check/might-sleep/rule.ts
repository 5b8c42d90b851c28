/**
 * What the atomic-context rules share: the finding data each draws, where in the scenario an
 * event happened, and the contract of one rule. Each rule is a file of its own; the detector
 * (index.ts) walks the events once, keeps the held-lock record, and hands each rule the
 * events it reads.
 */
import { F_CPU, F_CTX, F_TID } from '../../machine/events.ts';
import { siteText } from '../../machine/call-site.ts';
import type { HeldLock, HeldLocks } from '../held-locks.ts';
import { findingKinds, type RawFinding, type TrialInfo } from '../detector.ts';

export const MIGHT_SLEEP = 'might-sleep';
export const MIGHT_SLEEP_KINDS = findingKinds([
  'sleep-in-atomic',
  'scheduling-while-atomic',
  'bad-unlock-balance',
  'spurious-irq',
]);
export type MightSleepKind = (typeof MIGHT_SLEEP_KINDS)[number];

export interface Where {
  cpu: number;
  pid: number;
  /** Ctx.* of the context */
  ctx: number;
  /** file.ts:line of the call */
  site: string;
  held: HeldLock[];
}

export type MightSleepData =
  | (Where & { type: 'sleep'; fn: string; inAtomic: boolean; irqsOff: boolean; pcount: number; rcuDepth: number })
  | (Where & { type: 'schedule'; fn: string; pcount: number })
  | (Where & { type: 'mutex-owner'; lock: number })
  | { type: 'spurious'; irq: number; name: string; deliveries: number; cpus: number[] };

export type MightSleepFinding = RawFinding<MightSleepData, MightSleepKind>;

/** One trial as the rules see it. */
export class TrialScan {
  constructor(
    readonly t: TrialInfo,
    readonly held: HeldLocks,
    readonly report: (f: MightSleepFinding) => void,
  ) {}

  get w(): Int32Array {
    return this.t.events.words;
  }

  /** The context of the event at word offset `at`, and the call site string `siteId`. */
  where(at: number, siteId: number): Where {
    const w = this.w;
    const cpu = w[at + F_CPU]!;
    const pid = w[at + F_TID]!;
    return {
      cpu,
      pid,
      ctx: w[at + F_CTX]!,
      site: siteText(this.t.text(siteId)).where,
      held: this.held.heldBy(cpu, pid),
    };
  }

  /** The CPU, locks and events a finding at event `seq` shows. */
  shown(seq: number, x: Where): Partial<MightSleepFinding> {
    return {
      cpus: [x.cpu],
      locks: x.held.map((h) => this.t.layout.objName(h.obj)),
      refs: [{ trial: this.t.index, seq }, ...x.held.map((h) => h.ref)],
    };
  }
}

export function finding(
  kind: MightSleepKind,
  signature: string,
  title: string,
  data: MightSleepData,
  extra: Partial<MightSleepFinding>,
): MightSleepFinding {
  return { kind, signature, title, cpus: [], locks: [], refs: [], detector: MIGHT_SLEEP, data, ...extra };
}

/** One rule: the event ops it reads, made fresh for each trial. */
export interface AtomicRule {
  /** event `seq` at word offset `at`, one of the ops the rule declared */
  onEvent(s: TrialScan, seq: number, at: number): void;
  /** the trial is over */
  onEnd?(s: TrialScan): void;
}

export interface AtomicRuleType {
  readonly ops: readonly number[];
  create(): AtomicRule;
}
