/**
 * Completions (include/linux/completion.h, kernel/sched/completion.c): `done` counts the
 * complete() calls no waiter has consumed yet. complete() and complete_all() never sleep and
 * are legal in any context; every wait_for_completion*() may sleep, so calling one in atomic
 * context is sleep-in-atomic. A wait that a complete() satisfies is that complete()'s
 * acquisition, a happens-before edge, as for a semaphore.
 */
import { LockFlag, Op, kfn } from '../machine/events.ts';
import { WAIT_SIGNAL, WAIT_TIMEOUT } from '../machine/wait.ts';
import { COMPLETION_ALL } from '../machine/lock-words.ts';
import { O } from '../machine/object-words.ts';
import { decl } from './declare.ts';
import type { KObject } from './objects.ts';
import { thisCpu } from './cpu.ts';
import { enterOn, sleepOn } from './sleep.ts';
import { ERESTARTSYS } from './errno.ts';
import type { ObjectDecl } from '../machine/declarations.ts';

export type Completion = KObject & { readonly __kind: 'completion' };

/** DECLARE_COMPLETION: not done. */
export const completion = (): ObjectDecl<Completion> => decl('completion', 0, 1, false);
export const completions = (n: number): ObjectDecl<Completion[]> => decl('completion', 0, n, true);

/** Set done back to 0: init_completion and reinit_completion (a write of the object). */
function resetDone(name: string, x: Completion): void {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, x);
  const old = rt.cells.exchange(rt.L.objects[id]!.offset + O.WORD, 0);
  rt.emit(Op.MARK, id, 0, old, kfn(name));
}

export const init_completion = (x: Completion): void => resetDone('init_completion', x);
export const reinit_completion = (x: Completion): void => resetDone('reinit_completion', x);

/** Wake one waiter (or let the next wait through). */
export function complete(x: Completion): void {
  const rt = thisCpu('complete');
  const id = enterOn(rt, 'complete', x);
  rt.release(id, 0, kfn('complete'));
}

/** Wake every waiter, now and later, until reinit_completion(). */
export function complete_all(x: Completion): void {
  const rt = thisCpu('complete_all');
  const id = enterOn(rt, 'complete_all', x);
  rt.cells.store(rt.L.objects[id]!.offset + O.WORD, COMPLETION_ALL);
  rt.release(id, 0, kfn('complete_all'));
}

const waitAs = (name: string, x: Completion, waitMode: number, timeout = 0): boolean =>
  sleepOn(name, x, waitMode, timeout);

/** Sleep, uninterruptibly and without timeout, until completed. */
export function wait_for_completion(x: Completion): void {
  waitAs('wait_for_completion', x, 0);
}

/** The jiffies left (at least 1) when completed, 0 on timeout (a scheduler choice). */
export function wait_for_completion_timeout(x: Completion, timeout: number): number {
  const t = Math.max(0, timeout | 0);
  return waitAs('wait_for_completion_timeout', x, WAIT_TIMEOUT, t) ? Math.max(1, t) : 0;
}

/** 0, or -ERESTARTSYS when a signal came first (scenarios opt in with faults.signals). */
export function wait_for_completion_interruptible(x: Completion): number {
  return waitAs('wait_for_completion_interruptible', x, WAIT_SIGNAL) ? 0 : -ERESTARTSYS;
}

/** 0, or -ERESTARTSYS when a fatal signal came first (as a signal: faults.signals). */
export function wait_for_completion_killable(x: Completion): number {
  return waitAs('wait_for_completion_killable', x, WAIT_SIGNAL) ? 0 : -ERESTARTSYS;
}

/** Consume a completion without sleeping: true when one was there. Any context. */
export function try_wait_for_completion(x: Completion): boolean {
  const rt = thisCpu('try_wait_for_completion');
  const id = enterOn(rt, 'try_wait_for_completion', x);
  return rt.tryAcquire(id, LockFlag.TRY, kfn('try_wait_for_completion'));
}

/** Is a complete() waiting to be consumed? Any context. */
export function completion_done(x: Completion): boolean {
  const rt = thisCpu('completion_done');
  const id = enterOn(rt, 'completion_done', x);
  const done = rt.cells.load(rt.L.objects[id]!.offset + O.WORD);
  rt.emit(Op.MARK, id, done, 0, kfn('completion_done'));
  return done > 0;
}
