/**
 * Timers (include/linux/timer.h): a timer_list armed with mod_timer() expires on the CPU that
 * armed it, once jiffies reach its expiry, and its callback runs there in TIMER_SOFTIRQ, with
 * softirq rules (no sleeping; a lock it shares with process context must be taken there with
 * _bh). When the expiry comes is the scheduler's choice. del_timer_sync() waits for a callback
 * running on another CPU, and, as the kernel's, takes and drops the timer's lockdep map with
 * irqs off, so lockdep sees "waits for the callback" as an edge: holding a lock the callback
 * takes is a circular dependency, and calling it from the callback itself recursive locking.
 *
 * jiffies are read with get_jiffies_64(); they move when time is spent (msleep, a timeout, a
 * timer's expiry).
 */
import { Op, kfn } from '../machine/events.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import { armTimer, detachTimer, timerWord } from '../machine/timers.ts';
import { TIMER_PENDING } from '../machine/object-words.ts';
import { thisCpu } from './cpu.ts';
import { enterOn } from './sleep.ts';
import type { KObject } from './objects.ts';

export type TimerList = KObject & { readonly __kind: 'timer' };

/** DEFINE_TIMER: `fn(state)` runs in TIMER_SOFTIRQ each time the timer expires. */
export function timer_list(fn: (state: any) => unknown): ObjectDecl<TimerList> {
  if (typeof fn !== 'function') throw new Error('timer_list(fn): fn must be a function');
  return { __smpsim: 'decl', kind: 'timer', init: 0, count: 1, array: false, fn };
}

/** timer_setup(): (re)initialise the timer, not armed. Its callback is the one declared. */
export function timer_setup(t: TimerList): void {
  const rt = thisCpu('timer_setup');
  const id = enterOn(rt, 'timer_setup', t);
  detachTimer(rt, id);
  rt.emit(Op.MARK, id, 0, 0, kfn('timer_setup'));
}

/** Arm (or re-arm) the timer on this CPU to expire at `expires` jiffies; 1 when it was pending. */
export function mod_timer(t: TimerList, expires: number): number {
  if (!Number.isInteger(expires))
    throw new Error(`mod_timer(): expires must be an integer number of jiffies, not ${expires}`);
  const rt = thisCpu('mod_timer');
  const id = enterOn(rt, 'mod_timer', t);
  const was = armTimer(rt, id, expires, rt.cpu);
  rt.emit(Op.MARK, id, was ? 1 : 0, expires | 0, kfn('mod_timer'));
  return was ? 1 : 0;
}

/** Arm a timer that is not pending (the kernel BUGs on a pending one), at `expires` jiffies. */
export function add_timer(t: TimerList, expires: number): void {
  if (!Number.isInteger(expires))
    throw new Error(`add_timer(): expires must be an integer number of jiffies, not ${expires}`);
  const rt = thisCpu('add_timer');
  const id = enterOn(rt, 'add_timer', t);
  if (timerWord(rt, id) & TIMER_PENDING) {
    const seq = rt.emit(Op.BUG, id, 0, 0, kfn('add_timer'));
    rt.bug(`kernel BUG: add_timer() of a pending timer ${rt.L.objects[id]!.name}`, seq);
  }
  armTimer(rt, id, expires, rt.cpu);
  rt.emit(Op.MARK, id, 0, expires | 0, kfn('add_timer'));
}

/** Disarm; 1 when it was pending. A callback already running goes on. */
export function timer_delete(t: TimerList): number {
  return deactivate('timer_delete', t);
}
export function del_timer(t: TimerList): number {
  return deactivate('del_timer', t);
}

function deactivate(name: string, t: TimerList): number {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, t);
  const was = detachTimer(rt, id);
  rt.emit(Op.MARK, id, was ? 1 : 0, 0, kfn(name));
  return was ? 1 : 0;
}

/** Disarm, and wait until no callback of it runs anywhere; 1 when it was pending. */
export function timer_delete_sync(t: TimerList): number {
  return deactivateSync('timer_delete_sync', t);
}
export function del_timer_sync(t: TimerList): number {
  return deactivateSync('del_timer_sync', t);
}

function deactivateSync(name: string, t: TimerList): number {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, t);
  const fn = kfn(name);
  // the kernel's lock_map_acquire/release of timer->lockdep_map, irqs off so that this use
  // does not count as softirq-unsafe against the callback's use in TIMER_SOFTIRQ
  const irqsOff = rt.irqsDisabled();
  rt.setIrqsDisabled(true);
  rt.locks.acquired(id, 0, fn, true);
  rt.release(id, 0, fn);
  rt.setIrqsDisabled(irqsOff);
  const was = detachTimer(rt, id);
  // spin (cpu_relax) until the running callback, if any, is over
  const seq = rt.emit(Op.MARK, id, was ? 1 : 0, 1, fn);
  rt.waitUntil(id, 0, seq);
  return was ? 1 : 0;
}

/** 1 when the timer is armed and has not yet started running. */
export function timer_pending(t: TimerList): number {
  const rt = thisCpu('timer_pending');
  const id = enterOn(rt, 'timer_pending', t);
  const w = timerWord(rt, id);
  rt.emit(Op.MARK, id, w & TIMER_PENDING ? 1 : 0, 0, kfn('timer_pending'));
  return w & TIMER_PENDING ? 1 : 0;
}
