/** Reports of the atomic-context rules, in the shapes of kernel/sched/core.c, and mutex-debug. */
import { Ctx } from '../machine/events.ts';
import type { RawFinding } from '../check/detector.ts';
import type { HeldLock, MightSleepData } from '../check/might-sleep/index.ts';
import type { RenderContext } from './render-context.ts';
import { banner, lockLine, taskId } from './format.ts';

const comm = (ctx: RenderContext, pid: number, cpu: number): string => ctx.layout.comm(pid, cpu);

/** lockdep_print_held_locks() */
function heldLocks(ctx: RenderContext, pid: number, cpu: number, held: HeldLock[]): string[] {
  if (held.length === 0) return [`no locks held by ${taskId(ctx, pid, cpu)}.`];
  return [
    `${held.length} lock${held.length > 1 ? 's' : ''} held by ${taskId(ctx, pid, cpu)}:`,
    ...held.map((h, i) => lockLine(ctx, h.obj, h.ref, ` #${i}: `)),
  ];
}

function contextLine(ctx: RenderContext, d: { cpu: number; pid: number; ctx: number }): string {
  const inWhat = d.ctx === Ctx.HARDIRQ ? ' (in hardirq context)' : d.ctx === Ctx.SOFTIRQ ? ' (in softirq context)' : '';
  return `CPU: ${d.cpu} PID: ${d.pid} Comm: ${comm(ctx, d.pid, d.cpu)}${inWhat}`;
}

export function renderMightSleep(f: RawFinding<MightSleepData>, ctx: RenderContext): string {
  const d = f.data;
  const out = banner(f.title);
  switch (d.type) {
    case 'sleep':
      out.push(
        `in_atomic(): ${d.inAtomic ? 1 : 0}, irqs_disabled(): ${d.irqsOff ? 1 : 0}, non_block: 0, pid: ${d.pid}, name: ${comm(ctx, d.pid, d.cpu)}`,
        `preempt_count: ${d.pcount.toString(16)}, expected: 0`,
        `RCU nest depth: ${d.rcuDepth}, expected: 0`,
        ...heldLocks(ctx, d.pid, d.cpu, d.held),
        contextLine(ctx, d),
        `${d.fn}() may sleep; called at ${d.site}`,
      );
      break;
    case 'schedule':
      out.push(...heldLocks(ctx, d.pid, d.cpu, d.held), contextLine(ctx, d), `${d.fn}() went to sleep at ${d.site}`);
      break;
    case 'mutex-owner':
      out.push(
        `WARNING: CPU: ${d.cpu} PID: ${d.pid} at ${d.site === '?' ? ctx.site(f.refs[0]!) : d.site} mutex_unlock`,
        `${taskId(ctx, d.pid, d.cpu)} unlocks (${ctx.layout.objName(d.lock)}), which it does not hold:`,
        lockLine(ctx, d.lock, f.refs[0]),
        ...heldLocks(ctx, d.pid, d.cpu, d.held),
      );
      break;
    case 'spurious':
      out.push(
        `irq ${d.irq} (${d.name}) was delivered ${d.deliveries} time${d.deliveries === 1 ? '' : 's'} on CPU${d.cpus.join(', CPU')} and every handler returned IRQ_NONE`,
        'handlers:',
        `  the actions installed on irq ${d.irq}`,
        `Disabling IRQ #${d.irq}`,
      );
      break;
  }
  return out.join('\n');
}
