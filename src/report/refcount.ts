/** refcount_t's WARN, in the shape lib/refcount.c's REFCOUNT_WARN() prints it. */
import type { RawFinding } from '../check/detector.ts';
import type { RefcountData } from '../check/refcount-warning.ts';
import type { RenderContext } from './render-context.ts';

export function renderRefcount(f: RawFinding<RefcountData>, ctx: RenderContext): string {
  const d = f.data;
  return [
    '------------[ cut here ]------------',
    d.message,
    `WARNING: CPU: ${d.cpu} PID: ${d.pid} at ${d.site} refcount_warn_saturate`,
    `CPU: ${d.cpu} PID: ${d.pid} Comm: ${ctx.layout.comm(d.pid, d.cpu)}`,
    'Call Trace:',
    ` ${d.fn}(${ctx.layout.objName(d.obj)}) at ${d.site}`,
    '---[ end trace ]---',
  ].join('\n');
}
