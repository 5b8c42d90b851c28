/**
 * The `smpsim` command. Exit status: 0 no findings · 1 findings · 2 usage, load or internal
 * error (always one line on stderr).
 */
import { Command, CommanderError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { explore } from '../run/explore.ts';
import { replay } from '../run/replay.ts';
import { ScenarioError } from '../run/load-scenario.ts';
import { DPOR_DEFAULT_EXECUTIONS, UsageError } from '../run/options.ts';
import { exhaustiveSummary } from '../report/exhaustive.ts';
import { formatInterrupts, type ExploreResult } from '../run/result.ts';
import { TokenError } from '../sched/token.ts';
import { shutdownMachines } from '../machine/machine.ts';
import { progress } from './progress.ts';
import { traceJson } from '../report/trace.ts';
import { writeReplayHtml, writeRunHtml } from '../run/html-report.ts';
import { registerExercises } from './exercises.ts';
import { registerStress } from './stress.ts';
import { registerStep } from './step.ts';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

function summary(r: ExploreResult): string {
  const n = r.findings.length;
  const kinds = [...new Set(r.findings.map((f) => f.kind))].join(', ');
  const verdict = n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${kinds})`;
  if (r.exhaustive) return `smpsim: ${r.scenario}: ${exhaustiveSummary(r.exhaustive)} (${r.strategy}): ${verdict}`;
  return `smpsim: ${r.scenario}: ${r.trials} trials (${r.strategy}, seed ${r.seed}): ${verdict}`;
}

const num = (v: string | boolean | undefined): number | undefined => (typeof v === 'string' ? Number(v) : undefined);

async function runCommand(path: string, o: Record<string, string | boolean | undefined>, out: (s: string) => void): Promise<number> {
  const dpor = o.strategy === 'dpor' || o.strategy === 'dfs';
  const trials = num(o.trials) ?? (dpor ? undefined : 1000);
  const maxExecutions = num(o.maxExecutions);
  const bar = o.json ? undefined : progress(maxExecutions ?? trials ?? DPOR_DEFAULT_EXECUTIONS, 'smpsim');
  const r = await explore(path, {
    trials,
    maxExecutions,
    preemptionBound: num(o.preemptionBound),
    iterate: o.iterate === true ? true : undefined,
    strategy: o.strategy as string | undefined,
    depth: o.depth === undefined ? undefined : Number(o.depth),
    seed: o.seed === undefined ? undefined : Number(o.seed),
    hangMs: o.hangMs === undefined ? undefined : Number(o.hangMs),
    onProgress: bar && ((done, kinds) => bar.update(done, kinds)),
  });
  bar?.stop();
  if (o.json) {
    const { interrupts: _i, switches: _s, ...rest } = r;
    out(JSON.stringify({ ...rest, elapsedMs: Math.round(r.elapsedMs) }, null, 2));
  } else {
    for (const f of r.findings) out(f.report);
    out(summary(r));
  }
  if (typeof o.html === 'string') await writeRunHtml(o.html, path, r.findings, o.hangMs === undefined ? undefined : Number(o.hangMs));
  return r.findings.length ? EXIT_FINDINGS : EXIT_CLEAN;
}

async function replayCommand(path: string, token: string, o: Record<string, string | undefined>, out: (s: string) => void): Promise<number> {
  const r = await replay(path, token, { hangMs: o.hangMs === undefined ? undefined : Number(o.hangMs) });
  for (const f of r.findings) out(f.report);
  const table = formatInterrupts(r.interrupts, r.interrupts[0]?.perCpu.length ?? 0);
  if (table) out(table);
  if (o.trace) writeFileSync(o.trace, traceJson(r));
  if (o.html) await writeReplayHtml(o.html, r);
  out(`smpsim: replayed ${r.trials.length} trial${r.trials.length === 1 ? '' : 's'}: ${r.findings.length ? `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}` : 'no findings'}`);
  return r.findings.length ? EXIT_FINDINGS : EXIT_CLEAN;
}

export async function main(argv: string[], out: (s: string) => void = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  let code = EXIT_CLEAN;
  const program = new Command('smpsim')
    .description('run kernel-style locking code on a simulated SMP machine and report what lockdep would')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  program
    .command('run')
    .description('explore interleavings of a scenario')
    .argument('<scenario>', 'scenario module (.ts or .js)')
    .option('--trials <n>', 'number of trials (default 1000)')
    .addOption(new Option('--strategy <name>', 'scheduling strategy: random, pct, dpor (every distinct interleaving) or dfs (every interleaving)').default('random'))
    .option('--depth <d>', 'PCT depth (bug depth to aim at)', '3')
    .option('--preemption-bound <k>', 'dpor: explore executions with at most k preemptions (CHESS)')
    .option('--iterate', 'dpor: with a preemption bound, search with bounds 0, 1 … k in turn')
    .option('--max-executions <n>', 'dpor: stop after n executions (default 100000)')
    .option('--seed <s>', 'seed', '1')
    .option('--hang-ms <ms>', 'stop a task that runs this long without a scheduling point', '1000')
    .option('--json', 'print one JSON object')
    .option('--html <file>', 'write a timeline page of the first finding of each kind')
    .action(async (path: string, o) => {
      code = await runCommand(path, o, out);
    });
  program
    .command('replay')
    .description('replay a schedule token and print its reports')
    .argument('<scenario>', 'scenario module')
    .argument('<token>', 'schedule token from a report')
    .option('--trace <file>', 'write the trial as a JSON trace timeline')
    .option('--html <file>', 'write the trial as a timeline page (open it in a browser)')
    .option('--hang-ms <ms>', 'stop a task that runs this long without a scheduling point', '1000')
    .action(async (path: string, token: string, o) => {
      code = await replayCommand(path, token, o, out);
    });
  registerStress(program, out, (n) => (code = n ? EXIT_FINDINGS : EXIT_CLEAN));
  registerStep(program, out, (c) => (code = c));
  registerExercises(program, out, (c) => (code = c));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      code = e.exitCode === 0 ? EXIT_CLEAN : EXIT_ERROR;
    } else if (e instanceof ScenarioError || e instanceof TokenError || e instanceof UsageError) {
      process.stderr.write(`smpsim: ${e.message}\n`);
      code = EXIT_ERROR;
    } else {
      process.stderr.write(`smpsim: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
      code = EXIT_ERROR;
    }
  } finally {
    await shutdownMachines();
  }
  return code;
}
