/** `smpsim stress <scenario> [--seconds S]`: truly parallel CPUs with a lockup watchdog. */
import type { Command } from 'commander';
import { stress } from '../run/stress.ts';
import { writeSarif } from '../run/sarif-output.ts';

export function registerStress(program: Command, out: (s: string) => void, done: (findings: number) => void): void {
  program
    .command('stress')
    .description('run the CPUs truly in parallel until the time is up; a watchdog reports soft lockups')
    .argument('<scenario>', 'scenario module (.ts or .js)')
    .option('--seconds <s>', 'how long to run', '10')
    .option('--seed <s>', 'seed of the IRQ source and of the controlled run that tries to reproduce findings', '1')
    .option('--lockup-ms <ms>', 'a CPU making no progress this long is locked up', '2000')
    .option('--json', 'print one JSON object')
    .option('--sarif <file>', 'write a SARIF 2.1.0 log (code scanning) with each reproduced finding\'s interleaving')
    .action(async (path: string, o: Record<string, string | boolean | undefined>) => {
      const r = await stress(path, {
        seconds: Number(o.seconds),
        seed: Number(o.seed),
        lockupMs: Number(o.lockupMs),
      });
      if (typeof o.sarif === 'string') await writeSarif(o.sarif, [{ scenario: r.scenario, findings: r.findings, properties: { mode: 'stress', seed: r.seed, trials: r.trials } }]);
      if (o.json) out(JSON.stringify(r, null, 2));
      else {
        for (const f of r.findings) out(f.report);
        const n = r.findings.length;
        const kinds = [...new Set(r.findings.map((f) => f.kind))].join(', ');
        out(`smpsim: ${r.scenario}: stress, ${r.trials} trials in ${(r.elapsedMs / 1000).toFixed(1)} s (seed ${r.seed}): ${n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${kinds})`}`);
      }
      done(r.findings.length);
    });
}
