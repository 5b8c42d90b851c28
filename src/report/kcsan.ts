/**
 * Data races as KCSAN prints them (kernel/kcsan/report.c): the title naming both functions
 * (sorted), each access with its kind, object, size and context, its call site standing for
 * the stack trace, and the value change where there was one.
 */
import { Ctx, kobjField, kobjHandle } from '../machine/events.ts';
import { slabAddr } from './format.ts';
import type { RawFinding } from '../check/detector.ts';
import type { RaceAccess, RaceData } from '../check/races/finding-data.ts';
import type { RenderContext } from './render-context.ts';

const RULE = '='.repeat(66);
const hex = (v: number): string => `0x${(v >>> 0).toString(16).padStart(8, '0')}`;

function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

function kind(a: RaceAccess): string {
  return `${a.write ? 'write' : 'read'}${a.marked ? ' (marked)' : ''}`;
}

function who(a: RaceAccess): string {
  return a.ctx === Ctx.TASK ? `task ${a.pid}` : 'interrupt';
}

function contextName(ctx: RenderContext, a: RaceAccess): string {
  return a.ctx === Ctx.TASK
    ? `${ctx.taskName(a.pid)}`
    : a.ctx === Ctx.HARDIRQ
      ? `hardirq on cpu${a.cpu}`
      : `softirq on cpu${a.cpu}`;
}

/** "the 2nd plain write to x by task cpu0": how each access is told apart across trials */
function position(ctx: RenderContext, name: string, a: RaceAccess): string {
  const by = a.ctx === Ctx.TASK ? `task ${contextName(ctx, a)}` : contextName(ctx, a);
  return `the ${ordinal(a.ordinal)} ${a.marked ? 'marked' : 'plain'} ${a.write ? 'write' : 'read'} to ${name} by ${by}`;
}

export function renderKcsan(f: RawFinding<RaceData>, ctx: RenderContext): string {
  const d = f.data;
  // a kmalloc object's field is named by its address, as KCSAN names any address
  const name =
    d.heap === undefined ? ctx.layout.objName(d.obj) : `0x${slabAddr(kobjHandle(d.heap), kobjField(d.heap) * 4)}`;
  const out = [RULE, f.title, ''];
  for (const a of d.accesses) {
    out.push(`${kind(a)} to ${name} of 4 bytes by ${who(a)} on cpu ${a.cpu}:`, ` ${a.fn} at ${ctx.site(a.ref)}`, '');
  }
  const writes = d.accesses.filter((a) => a.write && a.old !== a.value);
  const changed = writes[writes.length - 1];
  if (changed) out.push(`value changed: ${hex(changed.old)} -> ${hex(changed.value)}`, '');
  const last = d.accesses[1];
  out.push(
    'Reported by Kernel Concurrency Sanitizer on:',
    `CPU: ${last.cpu} PID: ${last.pid} Comm: ${ctx.layout.comm(last.pid, last.cpu)}`,
    `(the race is known across trials as ${position(ctx, name, d.accesses[0])} and ${position(ctx, name, d.accesses[1])})`,
    RULE,
  );
  return out.join('\n');
}
