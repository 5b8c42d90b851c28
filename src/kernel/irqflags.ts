/**
 * Interrupt, bottom-half and preemption state of the calling CPU, with the kernel's names and
 * return conventions. Queries (irqs_disabled, in_irq …) read only the CPU's own state and are
 * not scheduling points; changes are.
 */
import { Access } from '../sched/footprint.ts';
import {
  HARDIRQ_MASK,
  Op,
  PREEMPT_OFFSET,
  SOFTIRQ_DISABLE_OFFSET,
  SOFTIRQ_MASK,
  SOFTIRQ_OFFSET,
  kfn,
} from '../machine/events.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';
import { doSoftirq } from '../machine/bottom-halves.ts';

/** x86's EFLAGS.IF: set in saved flags when interrupts were enabled. */
export const X86_EFLAGS_IF = 0x200;

const FN = {
  disable: kfn('local_irq_disable'),
  enable: kfn('local_irq_enable'),
  save: kfn('local_irq_save'),
  restore: kfn('local_irq_restore'),
  bhDisable: kfn('local_bh_disable'),
  bhEnable: kfn('local_bh_enable'),
  preemptDisable: kfn('preempt_disable'),
  preemptEnable: kfn('preempt_enable'),
};

/** Turn irqs off on rt's CPU (no scheduling point: callers have made theirs). */
export function irqsOff(rt: CpuRuntime, fn: number): void {
  const was = rt.irqsDisabled();
  rt.setIrqsDisabled(true);
  rt.emit(Op.IRQS_OFF, -1, was ? 1 : 0, 0, fn);
}

export function irqsOn(rt: CpuRuntime, fn: number): void {
  const was = !rt.irqsDisabled();
  rt.setIrqsDisabled(false);
  rt.emit(Op.IRQS_ON, -1, was ? 1 : 0, 0, fn);
}

/** Restore saved flags: irqs on only when they were on at the save. */
export function irqsRestore(rt: CpuRuntime, flags: number, fn: number): void {
  if (flags & X86_EFLAGS_IF) irqsOn(rt, fn);
  else irqsOff(rt, fn);
}

export function irqsSave(rt: CpuRuntime, fn: number): number {
  const flags = rt.irqsDisabled() ? 0 : X86_EFLAGS_IF;
  irqsOff(rt, fn);
  return flags;
}

export function bhDisable(rt: CpuRuntime, fn: number): void {
  rt.preemptAdd(SOFTIRQ_DISABLE_OFFSET);
  rt.emit(Op.BH_DISABLE, -1, 0, 0, fn);
}

export function bhEnable(rt: CpuRuntime, fn: number): void {
  rt.preemptAdd(-SOFTIRQ_DISABLE_OFFSET);
  rt.emit(Op.BH_ENABLE, -1, 0, 0, fn);
  // softirqs raised while bh was off run now, unless still in interrupt context
  if ((rt.preemptCount() & (HARDIRQ_MASK | SOFTIRQ_MASK)) === 0 && rt.softirqsPending()) doSoftirq(rt);
}

export function local_irq_disable(): void {
  const rt = thisCpu('local_irq_disable');
  rt.point(-1, Access.NONE);
  irqsOff(rt, FN.disable);
}

export function local_irq_enable(): void {
  const rt = thisCpu('local_irq_enable');
  rt.point(-1, Access.NONE);
  irqsOn(rt, FN.enable);
}

/** `flags = local_irq_save()`: returns the flags to give to local_irq_restore. */
export function local_irq_save(): number {
  const rt = thisCpu('local_irq_save');
  rt.point(-1, Access.NONE);
  return irqsSave(rt, FN.save);
}

export function local_irq_restore(flags: number): void {
  const rt = thisCpu('local_irq_restore');
  rt.point(-1, Access.NONE);
  irqsRestore(rt, flags, FN.restore);
}

export function irqs_disabled(): boolean {
  return thisCpu('irqs_disabled').irqsDisabled();
}

export function irqs_disabled_flags(flags: number): boolean {
  return (flags & X86_EFLAGS_IF) === 0;
}

export function local_bh_disable(): void {
  const rt = thisCpu('local_bh_disable');
  rt.point(-1, Access.NONE);
  bhDisable(rt, FN.bhDisable);
}

export function local_bh_enable(): void {
  const rt = thisCpu('local_bh_enable');
  rt.point(-1, Access.NONE);
  bhEnable(rt, FN.bhEnable);
}

export function preempt_disable(): void {
  const rt = thisCpu('preempt_disable');
  rt.point(-1, Access.NONE);
  rt.preemptAdd(PREEMPT_OFFSET);
  rt.emit(Op.PREEMPT_DISABLE, -1, 0, 0, FN.preemptDisable);
}

export function preempt_enable(): void {
  const rt = thisCpu('preempt_enable');
  rt.point(-1, Access.NONE);
  rt.preemptAdd(-PREEMPT_OFFSET);
  rt.emit(Op.PREEMPT_ENABLE, -1, 0, 0, FN.preemptEnable);
}

export function preempt_count(): number {
  return thisCpu('preempt_count').preemptCount();
}
/** Hardirq, softirq (or bh disabled) or NMI context. */
export function in_interrupt(): boolean {
  return (thisCpu('in_interrupt').preemptCount() & (HARDIRQ_MASK | SOFTIRQ_MASK)) !== 0;
}
export function in_irq(): boolean {
  return (thisCpu('in_irq').preemptCount() & HARDIRQ_MASK) !== 0;
}
export const in_hardirq = in_irq;
/** Serving a softirq or with bottom halves disabled, as the kernel's in_softirq(). */
export function in_softirq(): boolean {
  return (thisCpu('in_softirq').preemptCount() & SOFTIRQ_MASK) !== 0;
}
export function in_serving_softirq(): boolean {
  return (thisCpu('in_serving_softirq').preemptCount() & SOFTIRQ_OFFSET) !== 0;
}
/** Process context: neither a hardirq nor a softirq being served (bottom halves off still count). */
export function in_task(): boolean {
  return (thisCpu('in_task').preemptCount() & (HARDIRQ_MASK | SOFTIRQ_OFFSET)) === 0;
}
export function in_atomic(): boolean {
  return thisCpu('in_atomic').preemptCount() !== 0;
}
