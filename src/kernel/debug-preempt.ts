/**
 * CONFIG_DEBUG_PREEMPT (lib/smp_processor_id.c): the CPU number is only stable while the task
 * cannot move, so asking for it in preemptible code by a task allowed on several CPUs is a BUG
 * report. The check reads only this context's own state (no scheduling point), as the kernel's.
 */
import { Op, WarnReason, kfn } from '../machine/events.ts';
import { captureSite } from '../machine/call-site.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';
import { preempt_disable, preempt_enable } from './irqflags.ts';

/** check_preemption_disabled(): report `what` unless preemption, irqs or the affinity pin the task. */
export function checkPreemptionDisabled(rt: CpuRuntime, what: string): void {
  if (rt.preemptCount() !== 0 || rt.irqsDisabled()) return;
  // a task allowed on one CPU only cannot migrate (the kernel's cpumask_equal(cpus_ptr, this cpu))
  if ((rt.L.tasks[rt.taskIndex]?.allowed ?? 1) <= 1) return;
  rt.emit(Op.WARN, -1, rt.strings.intern(captureSite(), rt.localTrial), WarnReason.DEBUG_PREEMPT, kfn(what));
}

/** The calling CPU's number; in preemptible code it may be stale as soon as it is returned. */
export function smp_processor_id(): number {
  const rt = thisCpu('smp_processor_id');
  checkPreemptionDisabled(rt, 'smp_processor_id');
  return rt.cpu;
}

/** The CPU number without the check, for callers that know a stale value is harmless. */
export function raw_smp_processor_id(): number {
  return thisCpu('raw_smp_processor_id').cpu;
}

/** get_cpu(): preemption off, then the CPU number, which stays right until put_cpu(). */
export function get_cpu(): number {
  preempt_disable();
  return smp_processor_id();
}

export function put_cpu(): void {
  preempt_enable();
}
