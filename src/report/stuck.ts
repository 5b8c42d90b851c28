/**
 * Reports of trials the machine could not finish: a CPU that ran scenario code without ever
 * reaching a scheduling point (its worker had to be terminated), or a worker thread that died.
 */
import type { LastCall } from '../machine/last-call.ts';
import { WORKER_HEAP_MB, WORKER_OUT_OF_MEMORY } from '../machine/worker-limits.ts';
import { banner } from './format.ts';
import { replayCommand } from './index.ts';

/** `last`: the stuck agent's last kernel call, when it made one in the trial. */
export type Stuck = ({ cpu: number; hangMs: number } | { cpu: number; crash: string }) & { last?: LastCall };

/** ", in task cpu0/1001 after atomic_inc() at x.ts:4": what the agent ran, as far as is known. */
function where(last: LastCall | undefined): string {
  if (!last) return '';
  const call = last.fn && `${last.fn}${last.site ? ` at ${last.site}` : ''}`;
  return ` in task ${last.task}${call ? `, after ${call}` : ''}`;
}

export function stuckTitle(s: Stuck): string {
  return 'hangMs' in s
    ? `BUG: no scheduling point for ${s.hangMs} ms on CPU ${s.cpu}${where(s.last)}`
    : `BUG: CPU ${s.cpu} worker crashed: ${s.crash}${where(s.last)}`;
}

export function renderStuck(s: Stuck, path: string, token: string): string {
  const body =
    'hangMs' in s
      ? [
          `CPU${s.cpu} ran scenario code for ${s.hangMs} ms without calling any kernel function:`,
          'a loop that never reaches a scheduling point cannot be interleaved or stopped by the machine.',
        ]
      : [
          `The worker thread simulating CPU${s.cpu} died in the middle of a trial (${s.crash}).`,
          ...(s.crash === WORKER_OUT_OF_MEMORY
            ? [`The task's heap passed the ${WORKER_HEAP_MB} MB a CPU worker may use.`]
            : []),
        ];
  return [
    ...banner(stuckTitle(s)),
    ...body,
    'Its worker thread was replaced; the run went on with the next trial.',
    '',
    `replay: ${replayCommand(path, token)}`,
    '',
  ].join('\n');
}
