/** lockdep_rcu_suspicious()'s report (kernel/locking/lockdep.c). */
import type { RawFinding } from '../check/detector.ts';
import type { RcuUsageData } from '../check/rcu-usage.ts';
import type { RenderContext } from './render-context.ts';
import { taskId } from './format.ts';

export function renderRcuUsage(f: RawFinding<RcuUsageData>, ctx: RenderContext): string {
  const d = f.data;
  const who = taskId(ctx, d.pid, d.cpu);
  const n = d.readers.length;
  return [
    '=============================',
    f.title,
    '-----------------------------',
    `${d.site} ${d.message}`,
    '',
    'other info that might help us debug this:',
    '',
    `rcu_scheduler_active = 2, debug_locks = 1`,
    n === 0 ? `no locks held by ${who}.` : `${n} lock${n > 1 ? 's' : ''} held by ${who}:`,
    ...d.readers.map((r, i) => ` #${i}: (rcu_read_lock){....}, at: ${ctx.site(r)}`),
  ].join('\n');
}
