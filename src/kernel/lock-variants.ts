/**
 * The _irq / _irqsave / _bh forms shared by spinlocks and rwlocks, in the kernel's order:
 * lock = [irqs off | bh off] + preempt_disable + acquire; unlock = release + [irqs back | bh on]
 * + preempt_enable.
 */
import { LockFlag, PREEMPT_OFFSET, kfn } from '../machine/events.ts';
import { thisCpu } from './cpu.ts';
import { bhDisable, bhEnable, irqsOff, irqsOn, irqsRestore, irqsSave } from './irqflags.ts';
import type { KObject } from './objects.ts';
import { enterOn } from './sleep.ts';

export type Variant = 'plain' | 'irq' | 'irqsave' | 'bh';

/** The LockFlag bits of lockdep subclass `subclass` (SINGLE_DEPTH_NESTING …), for the _nested calls. */
export function lockSubclassFlags(name: string, subclass: number): number {
  if (!Number.isInteger(subclass) || subclass < 0 || subclass > 7) throw new Error(`${name}: subclass must be 0-7`);
  return subclass << LockFlag.SUBCLASS_SHIFT;
}

const VARIANT_FLAG: Record<Variant, number> = {
  plain: 0,
  irq: LockFlag.IRQ,
  irqsave: LockFlag.IRQSAVE,
  bh: LockFlag.BH,
};

/** Take `lock`; returns the saved irq flags for the _irqsave form (else 0). */
export function lockAs(name: string, lock: KObject, flags: number, variant: Variant): number {
  const fn = kfn(name);
  const rt = thisCpu(name);
  const id = enterOn(rt, name, lock);
  let saved = 0;
  if (variant === 'irq') irqsOff(rt, fn);
  else if (variant === 'irqsave') saved = irqsSave(rt, fn);
  else if (variant === 'bh') bhDisable(rt, fn);
  rt.preemptAdd(PREEMPT_OFFSET);
  rt.acquire(id, flags | VARIANT_FLAG[variant], fn);
  return saved;
}

export function unlockAs(name: string, lock: KObject, flags: number, variant: Variant, saved = 0): void {
  const fn = kfn(name);
  const rt = thisCpu(name);
  const id = enterOn(rt, name, lock);
  rt.release(id, flags | VARIANT_FLAG[variant], fn);
  if (variant === 'irq') irqsOn(rt, fn);
  else if (variant === 'irqsave') irqsRestore(rt, saved, fn);
  rt.preemptAdd(-PREEMPT_OFFSET);
  if (variant === 'bh') bhEnable(rt, fn);
}

/** 1 when taken, 0 when busy (never waits). */
export function trylockAs(name: string, lock: KObject, flags: number): number {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, lock);
  rt.preemptAdd(PREEMPT_OFFSET);
  if (rt.tryAcquire(id, flags | LockFlag.TRY, kfn(name))) return 1;
  rt.preemptAdd(-PREEMPT_OFFSET);
  return 0;
}
