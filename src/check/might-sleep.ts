/**
 * The atomic-context rules, from the event stream:
 *
 *   sleep-in-atomic          SLEEP (a call that may sleep) with in_atomic() or irqs disabled,
 *                            whether or not it would have blocked (the kernel's might_sleep)
 *   scheduling-while-atomic  BLOCK: a context really went to sleep with a preempt count
 *   bad-unlock-balance       mutex_unlock of a mutex the caller does not hold (DEBUG_MUTEXES)
 *   exception                kfree of something never allocated, or freed twice (KASAN)
 *   spurious-irq             a line delivered in a trial whose handlers all returned IRQ_NONE
 *
 * The kernel API stamps the call site into F_A of SLEEP and BLOCK in atomic context (and into
 * F_B >> 2 of a bad FREE), so signatures and titles name the site on every trial, not only on
 * replays.
 */
import { Ctx, EV_WORDS, EvFlag, F_A, F_B, F_CPU, F_CTX, F_FLAGS, F_AGENT, F_FN, F_OBJ, F_OP, F_PCOUNT, F_TID, KFN_NAMES, KFREE_SITE_SHIFT, KfreeStatus, LockFlag, Op } from '../machine/events.ts';
import { siteText } from '../machine/call-site.ts';
import { HeldRecord } from '../machine/held-record.ts';
import type { Detector, EventRef, RawFinding, TrialInfo } from './detector.ts';

export const MIGHT_SLEEP = 'might-sleep';

export interface HeldLock {
  obj: number;
  ref: EventRef;
}

interface Where {
  cpu: number;
  pid: number;
  /** Ctx.* of the context */
  ctx: number;
  /** file.ts:line of the call */
  site: string;
  held: HeldLock[];
}

export type MightSleepData =
  | (Where & { type: 'sleep'; fn: string; inAtomic: boolean; irqsOff: boolean; pcount: number })
  | (Where & { type: 'schedule'; fn: string; pcount: number })
  | (Where & { type: 'mutex-owner'; lock: number })
  | (Where & { type: 'kfree'; double: boolean; handle: number; allocRef?: EventRef; freeRef?: EventRef })
  | { type: 'spurious'; irq: number; name: string; deliveries: number; cpus: number[] };


function finding(kind: RawFinding['kind'], signature: string, title: string, data: MightSleepData, extra: Partial<RawFinding>): RawFinding {
  return { kind, signature, title, cpus: [], locks: [], refs: [], detector: MIGHT_SLEEP, data, ...extra };
}

export function createMightSleep(): Detector {
  let record: HeldRecord | undefined;
  return {
    name: MIGHT_SLEEP,
    onTrial(t: TrialInfo, report) {
      const L = t.layout;
      const w = t.events.words;
      if (!record || record.agents !== L.nagents) record = new HeldRecord(L.nagents);
      const held = record;
      held.reset();
      const allocs = new Map<number, number>();
      const frees = new Map<number, number>();
      const lines = L.lines.map(() => ({ deliveries: 0, handled: 0, cpus: new Set<number>() }));
      const where = (i: number, at: number, siteId: number): Where => {
        const cpu = w[at + F_CPU]!;
        const locks = held.held(w[at + F_AGENT]!).map((h) => ({ obj: h.obj, ref: { trial: t.index, seq: h.seq } }));
        return { cpu, pid: w[at + F_TID]!, ctx: w[at + F_CTX]!, site: siteText(t.text(siteId)).where, held: locks };
      };
      const extra = (i: number, x: Where): Partial<RawFinding> => ({
        cpus: [x.cpu],
        locks: x.held.map((h) => L.objName(h.obj)),
        refs: [{ trial: t.index, seq: i }, ...x.held.map((h) => h.ref)],
      });
      for (let i = 0, at = 0; i < t.events.length; i++, at += EV_WORDS) {
        held.apply(w, at, i);
        switch (w[at + F_OP]) {
          case Op.LOCK_RELEASE: {
            const obj = w[at + F_OBJ]!;
            const info = L.objects[obj]!;
            if (info.kind === 'mutex' && w[at + F_A]! & LockFlag.NOT_HELD) {
              const x = where(i, at, 0);
              report(finding('bad-unlock-balance', `mutex-not-owner:${info.key}`, 'DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)', { ...x, type: 'mutex-owner', lock: obj }, { ...extra(i, x), locks: [info.name] }));
            }
            break;
          }
          case Op.SLEEP: {
            const pcount = w[at + F_PCOUNT]!;
            const irqsOff = (w[at + F_FLAGS]! & EvFlag.IRQS_DISABLED) !== 0;
            if (pcount === 0 && !irqsOff && w[at + F_CTX] === Ctx.TASK) break;
            const x = where(i, at, w[at + F_A]!);
            const fn = KFN_NAMES[w[at + F_FN]!] ?? '?';
            report(finding('sleep-in-atomic', `sleep-in-atomic:${t.text(w[at + F_A]!)}:${pcount}:${irqsOff ? 1 : 0}`, `BUG: sleeping function called from invalid context at ${x.site}`, {
              ...x, type: 'sleep', fn, inAtomic: pcount !== 0, irqsOff, pcount,
            }, extra(i, x)));
            break;
          }
          case Op.BLOCK: {
            const pcount = w[at + F_PCOUNT]!;
            if (pcount === 0) break;
            const x = where(i, at, w[at + F_A]!);
            const comm = L.comm(x.pid, x.cpu);
            report(finding('scheduling-while-atomic', `scheduling-while-atomic:${t.text(w[at + F_A]!)}:${pcount}`,
              `BUG: scheduling while atomic: ${comm}/${x.pid}/0x${pcount.toString(16).padStart(8, '0')}`, {
                ...x, type: 'schedule', fn: KFN_NAMES[w[at + F_FN]!] ?? '?', pcount,
              }, extra(i, x)));
            break;
          }
          case Op.ALLOC:
            if (w[at + F_A]! > 0) allocs.set(w[at + F_A]!, i);
            break;
          case Op.FREE: {
            const handle = w[at + F_A]!;
            const status = w[at + F_B]! & KfreeStatus.MASK;
            if (status === KfreeStatus.OK) {
              frees.set(handle, i);
              break;
            }
            const x = where(i, at, w[at + F_B]! >> KFREE_SITE_SHIFT);
            const double = status === KfreeStatus.DOUBLE;
            const allocSeq = allocs.get(handle);
            const freeSeq = frees.get(handle);
            report(finding('exception', `kfree:${double ? 'double' : 'invalid'}:${x.site}`, `BUG: KASAN: ${double ? 'double-free' : 'invalid-free'} in kfree`, {
              ...x, type: 'kfree', double, handle,
              allocRef: allocSeq === undefined ? undefined : { trial: t.index, seq: allocSeq },
              freeRef: freeSeq === undefined ? undefined : { trial: t.index, seq: freeSeq },
            }, { ...extra(i, x), locks: [] }));
            break;
          }
          case Op.IRQ_EXIT: {
            // only deliveries whose handlers returned count: a handler stuck in a deadlock
            // said nothing about whether it handled the interrupt
            const l = lines[w[at + F_A]!];
            if (!l) break;
            l.deliveries++;
            l.cpus.add(w[at + F_CPU]!);
            if (w[at + F_B] !== 0) l.handled++;
            break;
          }
          default:
            break;
        }
      }
      lines.forEach((l, idx) => {
        if (l.deliveries === 0 || l.handled > 0) return;
        const line = L.lines[idx]!;
        report(finding('spurious-irq', `spurious-irq:${line.irq}`, `irq ${line.irq}: nobody cared (try booting with the "irqpoll" option)`, {
          type: 'spurious', irq: line.irq, name: line.name, deliveries: l.deliveries, cpus: [...l.cpus].sort((a, b) => a - b),
        }, { cpus: [...l.cpus].sort((a, b) => a - b) }));
      });
    },
  };
}
