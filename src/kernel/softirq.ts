/**
 * Softirqs and tasklets (include/linux/interrupt.h). Handlers run in softirq context on irq exit,
 * at local_bh_enable, or whenever the strategy lets that CPU's ksoftirqd run them; a softirq
 * may run on several CPUs at once, a tasklet never does. tasklet_disable() keeps a queued
 * tasklet from running until tasklet_enable(); tasklet_kill() waits until it is neither queued
 * nor running. Both wait (wait_var_event()), so they may sleep.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import {
  claimTasklet,
  disableTasklet,
  enableTasklet,
  raiseSoftirq,
  scheduleTasklet,
} from '../machine/bottom-halves.ts';
import { TASKLET_STATE_RUN, TASKLET_STATE_SCHED } from '../machine/object-words.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { enterOn, enterSleepingOn } from './sleep.ts';
import { NR_SOFTIRQS, SOFTIRQ_NR } from '../machine/events.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import { thisCpu } from './cpu.ts';
import type { KObject } from './objects.ts';
import { checkKind } from './objects.ts';

export const {
  HI_SOFTIRQ,
  TIMER_SOFTIRQ,
  NET_TX_SOFTIRQ,
  NET_RX_SOFTIRQ,
  BLOCK_SOFTIRQ,
  IRQ_POLL_SOFTIRQ,
  TASKLET_SOFTIRQ,
  SCHED_SOFTIRQ,
  HRTIMER_SOFTIRQ,
  RCU_SOFTIRQ,
} = SOFTIRQ_NR;
export { NR_SOFTIRQS };

export type Tasklet = KObject & { readonly __kind: 'tasklet' };

/** DECLARE_TASKLET: `fn(state)` runs in softirq context each time the tasklet is scheduled. */
export function tasklet(fn: (state: any) => unknown): ObjectDecl<Tasklet> {
  if (typeof fn !== 'function') throw new Error('tasklet(fn): fn must be a function');
  return { __smpsim: 'decl', kind: 'tasklet', init: 0, count: 1, array: false, fn };
}

/** Queue the tasklet on this CPU, unless it is queued already. */
export function tasklet_schedule(t: Tasklet): void {
  const rt = thisCpu('tasklet_schedule');
  const id = checkKind(rt, t, 'tasklet_schedule');
  rt.point();
  const queued = scheduleTasklet(rt, id, rt.cpu);
  rt.emit(Op.MARK, id, queued ? 1 : 0, 0, kfn('tasklet_schedule'));
}

/** Wait, not enabled, while tasklet `id` is in one of the `states`. */
function waitOut(rt: CpuRuntime, id: number, states: number, fn: number): void {
  rt.waitUntil(id, states, rt.emit(Op.BLOCK, id, states, 0, fn));
}

/** One more level of disable: a queued tasklet stays queued and does not run until enabled. Never waits. */
export function tasklet_disable_nosync(t: Tasklet): void {
  const rt = thisCpu('tasklet_disable_nosync');
  const id = enterOn(rt, 'tasklet_disable_nosync', t, Access.ANY);
  rt.emit(Op.MARK, id, disableTasklet(rt, id), 0, kfn('tasklet_disable_nosync'));
}

/** Disable, then wait for a run in progress on another CPU to end (it may sleep). */
export function tasklet_disable(t: Tasklet): void {
  const rt = thisCpu('tasklet_disable');
  const id = enterSleepingOn(rt, 'tasklet_disable', t, Access.ANY);
  const fn = kfn('tasklet_disable');
  rt.emit(Op.MARK, id, disableTasklet(rt, id), 0, fn);
  waitOut(rt, id, TASKLET_STATE_RUN, fn);
  // F_B 1: a run in progress is over, ordered before what follows
  rt.emit(Op.MARK, id, 0, 1, fn);
}

/** One level of disable less; at depth 0 a tasklet still queued runs at its CPU's next softirq. */
export function tasklet_enable(t: Tasklet): void {
  const rt = thisCpu('tasklet_enable');
  const id = enterOn(rt, 'tasklet_enable', t, Access.ANY);
  enableTasklet(rt, id);
  rt.emit(Op.MARK, id, 0, 0, kfn('tasklet_enable'));
}

/**
 * Wait until the tasklet has run if queued and is not running, and leave it unqueued (it may
 * sleep; a disabled, queued tasklet is never killed). For teardown, before freeing its data.
 */
export function tasklet_kill(t: Tasklet): void {
  const rt = thisCpu('tasklet_kill');
  const id = enterSleepingOn(rt, 'tasklet_kill', t, Access.ANY);
  const fn = kfn('tasklet_kill');
  waitOut(rt, id, TASKLET_STATE_SCHED, fn);
  claimTasklet(rt, id, true);
  waitOut(rt, id, TASKLET_STATE_RUN, fn);
  claimTasklet(rt, id, false);
  // its last run is over: what it did is ordered before what follows
  rt.emit(Op.MARK, id, 0, 0, fn);
}

/** Mark softirq `nr` pending on this CPU; its handler comes from the scenario's `softirqs`. */
export function raise_softirq(nr: number): void {
  const rt = thisCpu('raise_softirq');
  if (
    !Number.isInteger(nr) ||
    nr < 0 ||
    nr >= NR_SOFTIRQS ||
    nr === TASKLET_SOFTIRQ ||
    !rt.def.softirqs?.some((s) => s.nr === nr)
  ) {
    throw new Error(
      `raise_softirq(${nr}): no such softirq in this scenario (declare it in softirqs: [{ nr, handler }])`,
    );
  }
  rt.point(-1, Access.NONE); // only this CPU's pending bits: its softirq runs are ordered with it
  raiseSoftirq(rt, rt.cpu, nr);
  rt.emit(Op.MARK, -1, nr, 0, kfn('raise_softirq'));
}

export const raise_softirq_irqoff = raise_softirq;
