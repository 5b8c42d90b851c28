/**
 * Reports of trials the machine could not finish: a CPU that ran scenario code without ever
 * reaching a scheduling point (its worker had to be terminated), or a worker thread that died.
 */
import { banner } from './format.ts';
import { replayCommand } from './index.ts';

export type Stuck = { cpu: number; hangMs: number } | { cpu: number; crash: string };

export function stuckTitle(s: Stuck): string {
  return 'hangMs' in s
    ? `BUG: no scheduling point for ${s.hangMs} ms on CPU ${s.cpu}`
    : `BUG: CPU ${s.cpu} worker crashed: ${s.crash}`;
}

export function renderStuck(s: Stuck, path: string, token: string): string {
  const body =
    'hangMs' in s
      ? [
          `CPU${s.cpu} ran scenario code for ${s.hangMs} ms without calling any kernel function:`,
          'a loop that never reaches a scheduling point cannot be interleaved or stopped by the machine.',
        ]
      : [`The worker thread simulating CPU${s.cpu} died in the middle of a trial (${s.crash}).`];
  return [
    ...banner(stuckTitle(s)),
    ...body,
    'Its worker thread was replaced; the run went on with the next trial.',
    '',
    `replay: ${replayCommand(path, token)}`,
    '',
  ].join('\n');
}
