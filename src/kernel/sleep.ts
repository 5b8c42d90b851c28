/**
 * might_sleep() and the calls that may sleep, with virtual time. Every call that may sleep makes
 * its scheduling point and then emits SLEEP (F_FN says which call) before anything else; the
 * sleep-in-atomic detector judges it from the context stamped on that event. In atomic context
 * the event's F_A names the call site (a stack capture, only on that path).
 *
 * Time: jiffies start at 0 in every trial and advance when something waits for them (msleep,
 * mdelay, a timeout that fires). HZ is 1000, so a jiffy is a millisecond.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import { WAIT_SIGNAL } from '../machine/wait.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { maybeCpu, thisCpu } from './cpu.ts';
import { checkKind, type KObject } from './objects.ts';

export const HZ = 1000;
export const MAX_SCHEDULE_TIMEOUT = 0x7fffffff;

/** might_sleep() on rt's CPU (after its scheduling point). */
export function mightSleep(rt: CpuRuntime, fn: number): void {
  const invalid = rt.preemptCount() !== 0 || rt.irqsDisabled();
  rt.emit(Op.SLEEP, -1, invalid ? rt.siteId() : 0, 0, fn);
}

/** Enter a call that may sleep: the CPU, the scheduling point, the SLEEP event. */
export function enterSleeping(name: string, sleeps = false): CpuRuntime {
  const rt = thisCpu(name);
  // a call that really sleeps lets time pass (jiffies); might_sleep() alone touches nothing
  if (sleeps) rt.point(rt.L.jiffiesObject, Access.WRITE);
  else rt.point(-1, Access.NONE);
  mightSleep(rt, kfn(name));
  return rt;
}

/**
 * Enter call `name` on `rt`, on a declared object it accepts: the object id, after the call's
 * scheduling point. It takes the CPU and returns the id alone, never a tuple: every kernel call
 * on an object comes here.
 */
export function enterOn(rt: CpuRuntime, name: string, o: KObject, access: number = Access.WRITE): number {
  const id = checkKind(rt, o, name);
  rt.point(access === Access.ANY ? -1 : id, access);
  return id;
}

/**
 * spin_lock_init() and its kin on a declared object. The declaration already made the object,
 * unlocked (empty, zero), in every trial, so the call is its scheduling point, a write to the
 * object, and nothing more.
 */
export function initDeclared(name: string, o: KObject): void {
  enterOn(thisCpu(name), name, o);
}

/** The same for a call that may sleep: then the SLEEP event. */
export function enterSleepingOn(rt: CpuRuntime, name: string, o: KObject, access: number = Access.WRITE): number {
  const id = enterOn(rt, name, o, access);
  mightSleep(rt, kfn(name));
  return id;
}

/**
 * Sleep until sleeping object `o` lets the caller through (down, wait_for_completion …): the
 * entry, and the acquisition, which a timeout or, where the scenario opted into signals, a
 * signal may end first (then false). `timeout` is in jiffies.
 */
export function sleepOn(name: string, o: KObject, waitMode: number, timeout = 0): boolean {
  const rt = thisCpu(name);
  const id = enterSleepingOn(rt, name, o);
  const mode = waitMode === WAIT_SIGNAL && !rt.def.faults?.signals ? 0 : waitMode;
  return rt.acquire(id, 0, kfn(name), mode, (rt.jiffies() + timeout) | 0);
}

function advance(rt: CpuRuntime, j: number): void {
  if (j > 0) rt.advanceJiffies(Math.min(j, MAX_SCHEDULE_TIMEOUT));
}

/** Sleep: the context really schedules (BLOCK), time passes, other CPUs may run meanwhile. */
function sleepFor(rt: CpuRuntime, name: string, j: number): void {
  rt.block(-1, kfn(name));
  advance(rt, j);
  rt.point(-1, Access.NONE);
}

export function might_sleep(): void {
  enterSleeping('might_sleep');
}

/** might_sleep() when `cond` holds (a gfp mask that allows sleeping, say). */
export function might_sleep_if(cond: unknown): void {
  if (cond) enterSleeping('might_sleep_if');
}

/** Returns 0 (this machine never has to reschedule). */
export function cond_resched(): number {
  enterSleeping('cond_resched');
  return 0;
}

export function msleep(msecs: number): void {
  sleepFor(enterSleeping('msleep', true), 'msleep', msecs_to_jiffies(msecs));
}

/** Busy-wait: allowed in any context; a scheduling point, never a sleep. */
export function udelay(usecs: number): void {
  const rt = thisCpu('udelay');
  rt.point(-1, Access.NONE);
  rt.emit(Op.MARK, -1, usecs | 0, 0, kfn('udelay'));
}

export function mdelay(msecs: number): void {
  const rt = thisCpu('mdelay');
  rt.point(rt.L.jiffiesObject, Access.WRITE);
  rt.emit(Op.MARK, -1, msecs | 0, 0, kfn('mdelay'));
  advance(rt, msecs_to_jiffies(msecs));
}

export const ndelay = (nsecs: number): void => udelay(Math.ceil(nsecs / 1000));

/** The pause in a busy-wait loop: a scheduling point, as udelay(), so the others can go on. */
export function cpu_relax(): void {
  const rt = thisCpu('cpu_relax');
  rt.point(-1, Access.NONE);
  rt.emit(Op.MARK, -1, 0, 0, kfn('cpu_relax'));
}

/** Sleep at least `min` µs (an hrtimer in the kernel; here whole jiffies, rounded up, as usecs_to_jiffies). */
export function usleep_range(min: number, _max?: number): void {
  sleepFor(enterSleeping('usleep_range', true), 'usleep_range', Math.ceil(Math.max(0, min) / 1000));
}

/** msleep() whose sleep a signal could cut short: here none does, so it returns 0 (ms left). */
export function msleep_interruptible(msecs: number): number {
  sleepFor(enterSleeping('msleep_interruptible', true), 'msleep_interruptible', msecs_to_jiffies(msecs));
  return 0;
}

/** May fault on the user page, so may sleep. Returns the bytes not copied: 0. */
export function copy_to_user(_to?: unknown, _from?: unknown, _n?: number): number {
  enterSleeping('copy_to_user');
  return 0;
}

export function copy_from_user(_to?: unknown, _from?: unknown, _n?: number): number {
  enterSleeping('copy_from_user');
  return 0;
}

export function msecs_to_jiffies(msecs: number): number {
  return Math.ceil((msecs * HZ) / 1000);
}

export function jiffies_to_msecs(j: number): number {
  return Math.floor((j * 1000) / HZ);
}

/** The virtual jiffies of the running trial (0 outside a CPU). */
export function get_jiffies_64(): number {
  return maybeCpu()?.jiffies() ?? 0;
}

/**
 * The kernel's `jiffies`, read as a call: `mod_timer(t, jiffies() + HZ)`. The same count as
 * get_jiffies_64() (a 64-bit machine's jiffies is jiffies_64).
 */
export function jiffies(): number {
  return get_jiffies_64();
}

export const time_after = (a: number, b: number): boolean => ((b - a) | 0) < 0;
export const time_before = (a: number, b: number): boolean => time_after(b, a);
