/**
 * The `smpsim` command. Exit status: 0 no findings · 1 findings · 2 usage, load or internal
 * error (always one line on stderr).
 */
import { Command, CommanderError, Option } from 'commander';
import { writeFileSync } from 'node:fs';
import { runCampaign } from '../run/campaign/run.ts';
import { writeSarif } from '../run/sarif-output.ts';
import { replay } from '../run/replay.ts';
import { ScenarioError } from '../run/load-scenario.ts';
import { UsageError } from '../run/options.ts';
import { formatInterrupts } from '../run/result.ts';
import { TokenError } from '../sched/token.ts';
import { shutdownMachines } from '../machine/machine.ts';
import { progress } from './progress.ts';
import { traceJson } from '../report/trace.ts';
import { writeReplayHtml, writeRunHtml } from '../run/html-report.ts';
import { registerExercises } from './exercises.ts';
import { registerStress } from './stress.ts';
import { registerStep } from './step.ts';
import { registerMerge } from './merge.ts';
import { printRun } from './print-run.ts';

export const EXIT_CLEAN = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;

async function runCommand(path: string, o: Record<string, string | boolean | undefined>, trialsGiven: boolean, out: (s: string) => void): Promise<number> {
  const trials = o.trials === undefined ? 1000 : Number(o.trials);
  const bar = o.json ? undefined : progress(trials, 'smpsim');
  const r = await runCampaign(path, {
    trials,
    trialsGiven,
    shard: o.shard as string | undefined,
    timeBudget: o.timeBudget as string | undefined,
    out: o.out as string | undefined,
    resume: o.resume as string | undefined,
    strategy: o.strategy as string | undefined,
    depth: o.depth === undefined ? undefined : Number(o.depth),
    seed: o.seed === undefined ? undefined : Number(o.seed),
    hangMs: o.hangMs === undefined ? undefined : Number(o.hangMs),
    onProgress: bar && ((done, kinds) => bar.update(done, kinds)),
  });
  bar?.stop();
  if (typeof o.sarif === 'string') await writeSarif(o.sarif, [{ scenario: r.scenario, findings: r.findings, properties: { strategy: r.strategy, seed: r.seed, trials: r.trials } }]);
  if (typeof o.html === 'string') await writeRunHtml(o.html, path, r.findings, o.hangMs === undefined ? undefined : Number(o.hangMs));
  return printRun(r, !!o.json, out) ? EXIT_FINDINGS : EXIT_CLEAN;
}

async function replayCommand(path: string, token: string, o: Record<string, string | undefined>, out: (s: string) => void): Promise<number> {
  const r = await replay(path, token, { hangMs: o.hangMs === undefined ? undefined : Number(o.hangMs) });
  for (const f of r.findings) out(f.report);
  const table = formatInterrupts(r.interrupts, r.interrupts[0]?.perCpu.length ?? 0);
  if (table) out(table);
  if (o.trace) writeFileSync(o.trace, traceJson(r));
  if (o.html) await writeReplayHtml(o.html, r);
  if (o.sarif) await writeSarif(o.sarif, [{ scenario: path, findings: r.findings, properties: { replay: token } }]);
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
    .option('--trials <n>', 'number of trials', '1000')
    .addOption(new Option('--strategy <name>', 'scheduling strategy').default('random'))
    .option('--depth <d>', 'PCT depth (bug depth to aim at)', '3')
    .option('--seed <s>', 'seed', '1')
    .option('--hang-ms <ms>', 'stop a task that runs this long without a scheduling point', '1000')
    .option('--time-budget <t>', 'stop after this long (30s, 5m, 1h), besides --trials')
    .option('--shard <k/n>', 'run shard k of n of the trials (CI matrices; merge with smpsim merge)')
    .option('--out <dir>', 'campaign folder: findings.jsonl written as each finding is made, summary.json at the end')
    .option('--resume <dir>', 'continue the campaign in <dir> after its last completed trial')
    .option('--json', 'print one JSON object')
    .option('--html <file>', 'write a timeline page of the first finding of each kind')
    .option('--sarif <file>', 'write a SARIF 2.1.0 log (code scanning) with each finding\'s interleaving')
    .action(async (path: string, o, cmd: Command) => {
      code = await runCommand(path, o, cmd.getOptionValueSource('trials') === 'cli', out);
    });
  program
    .command('replay')
    .description('replay a schedule token and print its reports')
    .argument('<scenario>', 'scenario module')
    .argument('<token>', 'schedule token from a report')
    .option('--trace <file>', 'write the trial as a JSON trace timeline')
    .option('--html <file>', 'write the trial as a timeline page (open it in a browser)')
    .option('--sarif <file>', 'write a SARIF 2.1.0 log with the replayed interleaving')
    .option('--hang-ms <ms>', 'stop a task that runs this long without a scheduling point', '1000')
    .action(async (path: string, token: string, o) => {
      code = await replayCommand(path, token, o, out);
    });
  registerStress(program, out, (n) => (code = n ? EXIT_FINDINGS : EXIT_CLEAN));
  registerStep(program, out, (c) => (code = c));
  registerExercises(program, out, (c) => (code = c));
  registerMerge(program, out, (n) => (code = n ? EXIT_FINDINGS : EXIT_CLEAN));
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
