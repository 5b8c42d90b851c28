/**
 * The `smpsim` command. Exit status (EXIT): 0 no findings · 1 findings · 2 usage, load or
 * internal error (always one line on stderr). Flags are declared in flags.ts.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { runCampaign, type CampaignResult } from '../run/campaign/run.ts';
import { writeSarif } from '../run/sarif-output.ts';
import { replay } from '../run/replay.ts';
import { ScenarioError } from '../run/load-scenario.ts';
import { UsageError, isSystematic } from '../run/options.ts';
import { explore } from '../run/explore.ts';
import { parseDuration } from '../run/campaign/time-budget.ts';
import { DEFAULTS } from '../run/defaults.ts';
import { formatInterrupts } from '../run/result.ts';
import { decodeToken, TokenError } from '../sched/token.ts';
import { shutdownMachines } from '../machine/machine.ts';
import { PACKAGE_ROOT } from '../machine/package-root.ts';
import { progress } from './progress.ts';
import { traceJson } from '../report/trace.ts';
import { writeReplayHtml, writeRunHtml } from '../run/html-report.ts';
import { registerExercises } from './exercises.ts';
import { registerStress } from './stress.ts';
import { registerStep } from './step.ts';
import { registerMerge } from './merge.ts';
import { printRun } from './print-run.ts';
import { EXIT, exitFor } from './exit-codes.ts';
import { addFlags } from './flags.ts';
import { catchInterrupts, showCursor } from './interrupt.ts';
import { quietOnEpipe } from './epipe.ts';

export { EXIT };

type Out = (s: string) => void;

interface RunFlags {
  trials: number;
  strategy: string;
  depth: number;
  seed: number;
  hangMs: number;
  maxEvents: number;
  timeBudget?: string;
  jobs?: number;
  shard?: string;
  out?: string;
  resume?: string;
  json?: boolean;
  html?: string;
  sarif?: string;
  preemptionBound?: number;
  iterate?: boolean;
  maxExecutions?: number;
  memory?: string;
}

/**
 * A systematic run (dpor, dfs) is one search over one buffer: it has no shards, and a
 * campaign folder could not resume it, so it is an explore() of its own.
 */
async function systematicRun(
  path: string,
  o: RunFlags,
  trialsGiven: boolean,
  signal: AbortSignal,
  onProgress?: (done: number, kinds: string[]) => void,
): Promise<CampaignResult> {
  if (o.shard || o.out || o.resume)
    throw new UsageError(
      `--strategy ${o.strategy} explores one search tree: it cannot be sharded or resumed (--shard, --out, --resume)`,
    );
  return explore(path, {
    strategy: o.strategy,
    maxExecutions: o.maxExecutions ?? (trialsGiven ? o.trials : undefined),
    preemptionBound: o.preemptionBound,
    iterate: o.iterate,
    memory: o.memory,
    timeBudgetMs: o.timeBudget === undefined ? undefined : parseDuration(o.timeBudget),
    hangMs: o.hangMs,
    maxEvents: o.maxEvents,
    signal,
    onProgress,
  });
}

async function runCommand(path: string, o: RunFlags, trialsGiven: boolean, out: Out): Promise<number> {
  const systematic = isSystematic(o.strategy);
  const bar = o.json
    ? undefined
    : progress(
        systematic ? (o.maxExecutions ?? (trialsGiven ? o.trials : DEFAULTS.maxExecutions)) : o.trials,
        'smpsim',
      );
  const stop = catchInterrupts();
  let r: CampaignResult;
  try {
    if (systematic)
      r = await systematicRun(path, o, trialsGiven, stop.signal, bar && ((done, kinds) => bar.update(done, kinds)));
    else
      r = await runCampaign(path, {
        trials: o.trials,
        trialsGiven,
        shard: o.shard,
        jobs: o.jobs,
        timeBudget: o.timeBudget,
        out: o.out,
        resume: o.resume,
        strategy: o.strategy,
        depth: o.depth,
        memory: o.memory,
        seed: o.seed,
        hangMs: o.hangMs,
        maxEvents: o.maxEvents,
        // only systematic strategies take these: resolveOptions says so in one line
        preemptionBound: o.preemptionBound,
        iterate: o.iterate,
        maxExecutions: o.maxExecutions,
        signal: stop.signal,
        onProgress: bar && ((done, kinds) => bar.update(done, kinds)),
      });
  } finally {
    bar?.stop();
    showCursor();
    stop.dispose();
  }
  if (o.sarif)
    await writeSarif(o.sarif, [
      {
        scenario: r.scenario,
        findings: r.findings,
        properties: { strategy: r.strategy, seed: r.seed, trials: r.trials },
      },
    ]);
  if (o.html) await writeRunHtml(o.html, path, r.findings, o.hangMs);
  return exitFor(printRun(r, !!o.json, out));
}

interface ReplayFlags {
  trace?: string;
  html?: string;
  sarif?: string;
  hangMs: number;
  maxEvents: number;
}

async function replayCommand(path: string, token: string, o: ReplayFlags, out: Out): Promise<number> {
  const r = await replay(path, token, { hangMs: o.hangMs, maxEvents: o.maxEvents });
  for (const f of r.findings) out(f.report);
  const table = formatInterrupts(r.interrupts, r.interrupts[0]?.perCpu.length ?? 0);
  if (table) out(table);
  if (o.trace) {
    try {
      writeFileSync(o.trace, traceJson(r));
    } catch (e) {
      throw new UsageError(
        `cannot write trace ${o.trace}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`,
      );
    }
  }
  if (o.html) await writeReplayHtml(o.html, r);
  if (o.sarif) await writeSarif(o.sarif, [{ scenario: path, findings: r.findings, properties: { replay: token } }]);
  // the token's trials, also when one of them never closed (a crash or a hang)
  const n = decodeToken(token).trials.length;
  out(
    `smpsim: replayed ${n} trial${n === 1 ? '' : 's'}: ${r.findings.length ? `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}` : 'no findings'}`,
  );
  return exitFor(r.findings.length);
}

function version(): string {
  return (JSON.parse(readFileSync(`${PACKAGE_ROOT}/package.json`, 'utf8')) as { version: string }).version;
}

/** One line for an error the user can act on; anything else is an internal error. */
function errorLine(e: unknown): string {
  if (e instanceof ScenarioError || e instanceof TokenError || e instanceof UsageError) return `smpsim: ${e.message}`;
  return `smpsim: internal error: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
}

export async function main(argv: string[], out: Out = (s) => process.stdout.write(`${s}\n`)): Promise<number> {
  quietOnEpipe(process.stdout);
  quietOnEpipe(process.stderr);
  let code: number = EXIT.CLEAN;
  const program = new Command('smpsim')
    .description('run kernel-style locking code on a simulated SMP machine and report what lockdep would')
    .version(version(), '--version', 'print the version')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });
  addFlags(
    program
      .command('run')
      .description('explore interleavings of a scenario')
      .argument('<scenario>', 'scenario module (.ts or .js)'),
    'run',
  ).action(async (path: string, o: RunFlags, cmd: Command) => {
    code = await runCommand(path, o, cmd.getOptionValueSource('trials') === 'cli', out);
  });
  addFlags(
    program
      .command('replay')
      .description('replay a schedule token and print its reports')
      .argument('<scenario>', 'scenario module')
      .argument('<token>', 'schedule token from a report'),
    'replay',
  ).action(async (path: string, token: string, o: ReplayFlags) => {
    code = await replayCommand(path, token, o, out);
  });
  registerStress(program, out, (n) => (code = n));
  registerStep(program, out, (c) => (code = c));
  registerExercises(program, out, (c) => (code = c));
  registerMerge(program, out, (n) => (code = exitFor(n)));
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      code = e.exitCode === 0 ? EXIT.CLEAN : EXIT.ERROR;
    } else {
      process.stderr.write(`${errorLine(e)}\n`);
      code = EXIT.ERROR;
    }
  } finally {
    // CPU threads are stopped one by one, never by ending the process under them: a thread
    // still starting (started ahead by head-start.ts, or replacing one a hang ended) aborts
    // the whole process if it is torn down while it loads its modules
    await shutdownMachines();
  }
  return code;
}
