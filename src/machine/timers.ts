/**
 * Timers (kernel/time/timer.c): a timer_list armed on a CPU expires on that CPU. Time is
 * virtual: the timer tick on a CPU is a scheduler choice (sched/strategy.ts TIMER_LINE), offered
 * while a timer is armed there and irqs are on; taking it moves jiffies forward to the earliest
 * expiry armed on that CPU (any amount of time may pass between two scheduling points) and
 * marks every timer due by then as expired. The expired timers' callbacks run in TIMER_SOFTIRQ
 * on that CPU, in expiry order, each inside the timer's lockdep map as call_timer_fn() holds it.
 *
 * Words (object-words.ts): WORD = TIMER_PENDING | TIMER_EXPIRED | TIMER_RUNNING, OWNER = cpu+1
 * armed on (kept while the callback runs, so a callback can be told apart), AUX = expires.
 */
import { callHandler } from './agent-run.ts';
import { Ctx, kfn } from './events.ts';
import { H, type Layout, type ObjectInfo } from './layout.ts';
import { O, TIMER_EXPIRED, TIMER_PENDING, TIMER_RUNNING } from './object-words.ts';
import { declaredFunctions, type DeclaredFunction } from './declared-functions.ts';
import type { CpuRuntime } from './runtime.ts';

const FN_CALL_TIMER = kfn('call_timer_fn');

/** time_after(a, b): a is later than b, wrap-safe as the kernel's. */
const timeAfter = (a: number, b: number): boolean => ((b - a) | 0) < 0;

/** The declared timers of a machine, for the decision loop. */
export function timerObjects(L: Layout): ObjectInfo[] {
  return L.objects.filter((o) => o.kind === 'timer');
}

/** Is a timer armed on `cpu` and not yet expired (so its tick can come)? */
export function timerArmedOn(m: Int32Array, timers: readonly ObjectInfo[], cpu: number): boolean {
  for (const t of timers) {
    if (
      (m[t.offset + O.WORD]! & (TIMER_PENDING | TIMER_EXPIRED)) === TIMER_PENDING &&
      m[t.offset + O.OWNER] === cpu + 1
    )
      return true;
  }
  return false;
}

/** mod_timer() on `cpu`: (re)arm for `expires`; true when it was pending already. */
export function armTimer(rt: CpuRuntime, obj: number, expires: number, cpu: number): boolean {
  const m = rt.m;
  const at = rt.L.objects[obj]!.offset;
  const w = m[at + O.WORD]!;
  m[at + O.WORD] = (w & TIMER_RUNNING) | TIMER_PENDING;
  m[at + O.OWNER] = cpu + 1;
  m[at + O.AUX] = expires | 0;
  return (w & TIMER_PENDING) !== 0;
}

/** detach_if_pending(): disarm; true when it was pending. A running callback runs on. */
export function detachTimer(rt: CpuRuntime, obj: number): boolean {
  const m = rt.m;
  const at = rt.L.objects[obj]!.offset;
  const w = m[at + O.WORD]!;
  m[at + O.WORD] = w & TIMER_RUNNING;
  return (w & TIMER_PENDING) !== 0;
}

export function timerWord(rt: CpuRuntime, obj: number): number {
  return rt.m[rt.L.objects[obj]!.offset + O.WORD]!;
}

/** Is `obj`'s callback what this context is running (del_timer_sync from its own callback)? */
export function inOwnCallback(rt: CpuRuntime, obj: number): boolean {
  return (
    (timerWord(rt, obj) & TIMER_RUNNING) !== 0 &&
    rt.m[rt.L.objects[obj]!.offset + O.OWNER] === rt.cpu + 1 &&
    rt.ctxKind() === Ctx.SOFTIRQ
  );
}

const timers = (rt: CpuRuntime): DeclaredFunction[] => declaredFunctions(rt, 'timer');

/**
 * The tick on rt's CPU: jiffies reach the earliest expiry armed here, and every timer armed
 * here that is due by then is expired. True when one was (TIMER_SOFTIRQ is then to be raised).
 */
export function timerTick(rt: CpuRuntime): boolean {
  const m = rt.m;
  const mine = rt.cpu + 1;
  let next: number | undefined;
  for (const t of timers(rt)) {
    const at = t.info.offset;
    if ((m[at + O.WORD]! & (TIMER_PENDING | TIMER_EXPIRED)) !== TIMER_PENDING || m[at + O.OWNER] !== mine) continue;
    const e = m[at + O.AUX]!;
    if (next === undefined || timeAfter(next, e)) next = e;
  }
  if (next === undefined) return false;
  if (timeAfter(next, m[H.JIFFIES]!)) m[H.JIFFIES] = next;
  const now = m[H.JIFFIES]!;
  for (const t of timers(rt)) {
    const at = t.info.offset;
    if ((m[at + O.WORD]! & TIMER_PENDING) === 0 || m[at + O.OWNER] !== mine || timeAfter(m[at + O.AUX]!, now)) continue;
    m[at + O.WORD] = m[at + O.WORD]! | TIMER_EXPIRED;
  }
  return true;
}

/**
 * run_timer_softirq(): call this CPU's expired timers, earliest expiry first. Each is detached
 * (no longer pending) before its callback runs, as expire_timers() does, so the callback may
 * re-arm it.
 */
export function runTimerSoftirq(rt: CpuRuntime): void {
  const m = rt.m;
  const mine = rt.cpu + 1;
  const due = timers(rt)
    .filter((t) => (m[t.info.offset + O.WORD]! & TIMER_EXPIRED) !== 0 && m[t.info.offset + O.OWNER] === mine)
    .sort((a, b) => (m[a.info.offset + O.AUX]! - m[b.info.offset + O.AUX]!) | 0);
  for (const t of due) {
    const at = t.info.offset;
    // del_timer() may have disarmed it since the tick
    if ((m[at + O.WORD]! & (TIMER_PENDING | TIMER_EXPIRED)) !== (TIMER_PENDING | TIMER_EXPIRED)) continue;
    m[at + O.WORD] = TIMER_RUNNING;
    const id = t.info.id;
    rt.locks.acquired(id, 0, FN_CALL_TIMER, true);
    callHandler(rt, () => t.fn(rt.state), `timer ${t.info.name}`);
    rt.release(id, 0, FN_CALL_TIMER);
    m[at + O.WORD] = m[at + O.WORD]! & ~TIMER_RUNNING;
  }
}
