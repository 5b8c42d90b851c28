/** `smpsim stress <scenario>`: truly parallel CPUs with a lockup watchdog. */
import type { Command } from 'commander';
import { stress, type StressResult } from '../run/stress.ts';
import { addFlags } from './flags.ts';
import { catchInterrupts, showCursor } from './interrupt.ts';
import { exitFor } from './exit-codes.ts';
import { findingsSummary } from './summary.ts';
import { writeSarif } from '../run/sarif-output.ts';

interface StressFlags {
  seconds: number;
  seed: number;
  lockupMs: number;
  reproduceTrials: number;
  json?: boolean;
  sarif?: string;
}

export function registerStress(program: Command, out: (s: string) => void, done: (code: number) => void): void {
  addFlags(
    program
      .command('stress')
      .description('run the CPUs truly in parallel until the time is up; a watchdog reports soft lockups')
      .argument('<scenario>', 'scenario module (.ts or .js)'),
    'stress',
  ).action(async (path: string, o: StressFlags) => {
    const stop = catchInterrupts();
    let r: StressResult;
    try {
      r = await stress(path, {
        seconds: o.seconds,
        seed: o.seed,
        lockupMs: o.lockupMs,
        reproduceTrials: o.reproduceTrials,
        signal: stop.signal,
      });
    } finally {
      showCursor();
      stop.dispose();
    }
    if (o.sarif)
      await writeSarif(o.sarif, [
        { scenario: r.scenario, findings: r.findings, properties: { mode: 'stress', seed: r.seed, trials: r.trials } },
      ]);
    if (o.json) out(JSON.stringify(r, null, 2));
    else {
      for (const f of r.findings) out(f.report);
      out(
        `smpsim: ${r.scenario}: stress, ${r.trials} trials in ${(r.elapsedMs / 1000).toFixed(1)} s (seed ${r.seed})${r.interrupted ? ', interrupted' : ''}: ${findingsSummary(r.findings)}`,
      );
    }
    done(exitFor(r.findings.length));
  });
}
