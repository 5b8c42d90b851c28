/** KASAN's reports, in the shape of mm/kasan/report.c (print_error_description, print_address_description). */
import { Ctx } from '../machine/events.ts';
import type { RawFinding } from '../check/detector.ts';
import type { HeapEvent, KasanData } from '../check/kasan/index.ts';
import type { RenderContext } from './render-context.ts';
import { slabAddr as addr, taskId } from './format.ts';

const RULE = '='.repeat(66);
/** kmalloc's size classes a request of `bytes` lands in */
const cacheSize = (bytes: number): number => [8, 16, 32, 64, 96, 128].find((c) => c >= bytes) ?? 128;

function track(ctx: RenderContext, what: string, e: HeapEvent | undefined): string[] {
  if (!e) return [];
  return [`${what} by task ${e.pid}:`, ` ${e.fn}+0x0/0x0 at ${ctx.site(e.ref)}`, ''];
}

export function renderKasan(f: RawFinding<KasanData>, ctx: RenderContext): string {
  const d = f.data;
  const inWhat = d.ctx === Ctx.HARDIRQ ? ' (in hardirq context)' : d.ctx === Ctx.SOFTIRQ ? ' (in softirq context)' : '';
  const out = [RULE, f.title];
  const at = addr(d.handle, d.field * 4);
  if (d.access === 'free') out.push(`Free of addr ${addr(d.handle, 0)} by task ${taskId(ctx, d.pid, d.cpu)}`);
  else
    out.push(`${d.access === 'read' ? 'Read' : 'Write'} of size 4 at addr ${at} by task ${taskId(ctx, d.pid, d.cpu)}`);
  out.push(
    '',
    `CPU: ${d.cpu} PID: ${d.pid} Comm: ${ctx.layout.comm(d.pid, d.cpu)}${inWhat}`,
    'Call Trace:',
    ` ${d.fn} at ${d.site}`,
    '',
  );
  out.push(...track(ctx, 'Allocated', d.alloc), ...track(ctx, 'Freed', d.free));
  if (d.nfields > 0) {
    const bytes = d.nfields * 4;
    const offset = d.field * 4;
    out.push(
      `The buggy address belongs to the object at ${addr(d.handle, 0)}`,
      ` which belongs to the cache kmalloc-${cacheSize(bytes)} of size ${cacheSize(bytes)}`,
      offset < bytes
        ? `The buggy address is located ${offset} bytes inside of`
        : `The buggy address is located ${offset - bytes} bytes to the right of`,
      ` ${d.free ? 'freed' : 'allocated'} ${bytes}-byte region [${addr(d.handle, 0)}, ${addr(d.handle, bytes)})`,
    );
  } else {
    out.push(`The buggy address ${addr(d.handle, d.field * 4)} belongs to no object kmalloc() returned`);
  }
  out.push(RULE);
  return out.join('\n');
}
