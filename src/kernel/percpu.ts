/**
 * Per-CPU data (include/linux/percpu-defs.h): `percpu(v)` is DEFINE_PER_CPU(int, …) = v, one
 * copy per CPU, each a cell of its own.
 *
 * - `this_cpu_*` is one operation on the copy of the CPU the caller is on, safe against
 *   preemption and interrupts (as on x86, one instruction): a marked access, never a data race
 *   by itself, and legal in preemptible code.
 * - `__this_cpu_*` is the same without that protection: plain accesses, and in preemptible code
 *   by a task that can migrate, CONFIG_DEBUG_PREEMPT's `BUG: using __this_cpu_add() in
 *   preemptible …` (check_preemption_disabled("__this_cpu_", op), with the op the macro
 *   expands to: inc, dec and sub are add).
 * - `per_cpu(v, cpu)` names one CPU's copy as a cell (`.value` reads and writes, like `shared`).
 * - `get_cpu_var(v)` disables preemption and names this CPU's copy; `put_cpu_var(v)` enables it.
 *
 * The CPU is read after the operation's scheduling point, where the task may have been
 * preempted and moved: a split update (`__this_cpu_read` … `__this_cpu_write`) can touch two
 * CPUs' copies, or race with what runs on the CPU it left.
 */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import { KernelUsageError } from '../machine/usage-error.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import type { ObjectDecl } from '../machine/declarations.ts';
import { maybeCpu, thisCpu } from './cpu.ts';
import { checkKind, type PerCpu, type Shared } from './objects.ts';
import { checkPreemptionDisabled } from './debug-preempt.ts';
import { preempt_disable, preempt_enable } from './irqflags.ts';
import { decl } from './declare.ts';

/** DEFINE_PER_CPU(int, name) = v: every CPU's copy starts at v. */
export const percpu = (v = 0): ObjectDecl<PerCpu> => decl('percpu', v, 1, false);

/** CPU `cpu`'s copy of `v`, checked to be a per-CPU variable of this scenario. */
function copyOn(rt: CpuRuntime, v: PerCpu, fn: string, cpu: number): Shared {
  checkKind(rt, v, fn);
  const cell = v.__cells[cpu];
  if (!cell) throw new KernelUsageError(`${fn}(s.${v.name}, ${cpu}): no CPU ${cpu} on this machine`);
  return cell;
}

/**
 * this_cpu_<op>: a scheduling point declaring this CPU's copy (a migration there makes the
 * footprint ANY), then one marked read-modify-write of the copy of the CPU it is on.
 */
function thisCpuOp(fn: string, v: PerCpu, write: boolean, next: (old: number) => number): number {
  const rt = thisCpu(fn);
  const id = copyOn(rt, v, fn, rt.cpu).__id;
  rt.point(id, write ? Access.WRITE : Access.READ);
  const cell = copyOn(rt, v, fn, rt.cpu);
  if (!write) {
    const val = rt.cells.load(cell.__at);
    rt.emit(Op.MEM_READ_ONCE, cell.__id, val, 0, kfn(fn));
    return val;
  }
  const old = rt.cells.update(cell.__at, next);
  const val = next(old) | 0;
  rt.emit(Op.MEM_WRITE_ONCE, cell.__id, val, old, kfn(fn));
  return val;
}

/**
 * __this_cpu_<op>: the same as plain accesses (a read-modify-write is a load and a store), after
 * check_preemption_disabled("__this_cpu_", what).
 */
function rawCpuOp(fn: string, what: string, v: PerCpu, read: boolean, next?: (old: number) => number): number {
  const rt = thisCpu(fn);
  const id = copyOn(rt, v, fn, rt.cpu).__id;
  rt.point(id, next ? Access.WRITE : Access.READ);
  checkPreemptionDisabled(rt, what);
  const cell = copyOn(rt, v, fn, rt.cpu);
  const f = kfn(fn);
  let old = 0;
  if (read) {
    old = rt.cells.read(cell.__at);
    rt.emit(Op.MEM_READ, cell.__id, old, 0, f);
    if (!next) return old;
  }
  const val = next!(old) | 0;
  const was = rt.cells.write(cell.__at, val);
  rt.emit(Op.MEM_WRITE, cell.__id, val, was, f);
  return val;
}

export const this_cpu_read = (v: PerCpu): number => thisCpuOp('this_cpu_read', v, false, (x) => x);
export const this_cpu_write = (v: PerCpu, x: number): void => void thisCpuOp('this_cpu_write', v, true, () => x);
export const this_cpu_add = (v: PerCpu, n: number): void => void thisCpuOp('this_cpu_add', v, true, (x) => x + n);
export const this_cpu_sub = (v: PerCpu, n: number): void => void thisCpuOp('this_cpu_sub', v, true, (x) => x - n);
export const this_cpu_inc = (v: PerCpu): void => void thisCpuOp('this_cpu_inc', v, true, (x) => x + 1);
export const this_cpu_dec = (v: PerCpu): void => void thisCpuOp('this_cpu_dec', v, true, (x) => x - 1);
export const this_cpu_add_return = (v: PerCpu, n: number): number =>
  thisCpuOp('this_cpu_add_return', v, true, (x) => x + n);
export const this_cpu_inc_return = (v: PerCpu): number => thisCpuOp('this_cpu_inc_return', v, true, (x) => x + 1);

export const __this_cpu_read = (v: PerCpu): number => rawCpuOp('__this_cpu_read', '__this_cpu_read', v, true);
export const __this_cpu_write = (v: PerCpu, x: number): void =>
  void rawCpuOp('__this_cpu_write', '__this_cpu_write', v, false, () => x);
export const __this_cpu_add = (v: PerCpu, n: number): void =>
  void rawCpuOp('__this_cpu_add', '__this_cpu_add', v, true, (x) => x + n);
export const __this_cpu_sub = (v: PerCpu, n: number): void =>
  void rawCpuOp('__this_cpu_sub', '__this_cpu_add', v, true, (x) => x - n);
export const __this_cpu_inc = (v: PerCpu): void =>
  void rawCpuOp('__this_cpu_inc', '__this_cpu_add', v, true, (x) => x + 1);
export const __this_cpu_dec = (v: PerCpu): void =>
  void rawCpuOp('__this_cpu_dec', '__this_cpu_add', v, true, (x) => x - 1);
export const __this_cpu_add_return = (v: PerCpu, n: number): number =>
  rawCpuOp('__this_cpu_add_return', '__this_cpu_add_return', v, true, (x) => x + n);
export const __this_cpu_inc_return = (v: PerCpu): number =>
  rawCpuOp('__this_cpu_inc_return', '__this_cpu_add_return', v, true, (x) => x + 1);

/** per_cpu(v, cpu): that CPU's copy, as a cell (`.value`), from any CPU and in check(). */
export function per_cpu(v: PerCpu, cpu: number): Shared {
  const rt = maybeCpu();
  if (rt) return copyOn(rt, v, 'per_cpu', cpu);
  const cell = (v as Partial<PerCpu> | undefined)?.__cells?.[cpu];
  if (!cell) throw new KernelUsageError(`per_cpu(s.${v?.name}, ${cpu}): not a per-CPU variable's copy on this machine`);
  return cell;
}

/** get_cpu_var(v): preemption off, then this CPU's copy, which stays this CPU's until put_cpu_var(). */
export function get_cpu_var(v: PerCpu): Shared {
  preempt_disable();
  const rt = thisCpu('get_cpu_var');
  return copyOn(rt, v, 'get_cpu_var', rt.cpu);
}

export function put_cpu_var(v: PerCpu): void {
  checkKind(thisCpu('put_cpu_var'), v, 'put_cpu_var');
  preempt_enable();
}
