/**
 * The `smpsim` command. Exit status (EXIT): 0 no findings · 1 findings · 2 usage, load or
 * internal error (always one line on stderr). Flags are declared in flags.ts.
 */
import { Command, CommanderError } from 'commander';
import { readFileSync, writeFileSync } from 'node:fs';
import { explore } from '../run/explore.ts';
import { replay } from '../run/replay.ts';
import { ScenarioError } from '../run/load-scenario.ts';
import { UsageError } from '../run/options.ts';
import { formatInterrupts, type ExploreResult } from '../run/result.ts';
import { decodeToken, TokenError } from '../sched/token.ts';
import { shutdownMachines } from '../machine/machine.ts';
import { PACKAGE_ROOT } from '../machine/package-root.ts';
import { progress } from './progress.ts';
import { traceJson } from '../report/trace.ts';
import { registerExercises } from './exercises.ts';
import { registerStress } from './stress.ts';
import { EXIT, exitFor } from './exit-codes.ts';
import { addFlags } from './flags.ts';
import { catchInterrupts, showCursor } from './interrupt.ts';
import { findingsSummary } from './summary.ts';
import { quietOnEpipe } from './epipe.ts';

export { EXIT };

type Out = (s: string) => void;

function summary(r: ExploreResult): string {
  return `smpsim: ${r.scenario}: ${r.trials} trials (${r.strategy}, seed ${r.seed})${r.interrupted ? ', interrupted' : ''}: ${findingsSummary(r.findings)}`;
}

interface RunFlags {
  trials: number;
  strategy: string;
  depth: number;
  seed: number;
  hangMs: number;
  maxEvents: number;
  json?: boolean;
}

async function runCommand(path: string, o: RunFlags, out: Out): Promise<number> {
  const bar = o.json ? undefined : progress(o.trials, 'smpsim');
  const stop = catchInterrupts();
  let r: ExploreResult;
  try {
    r = await explore(path, {
      ...o,
      signal: stop.signal,
      onProgress: bar && ((done, kinds) => bar.update(done, kinds)),
    });
  } finally {
    bar?.stop();
    showCursor();
    stop.dispose();
  }
  if (o.json) {
    const { interrupts: _i, switches: _s, ...rest } = r;
    out(JSON.stringify({ ...rest, elapsedMs: Math.round(r.elapsedMs) }, null, 2));
  } else {
    for (const f of r.findings) out(f.report);
    out(summary(r));
  }
  return exitFor(r.findings.length);
}

async function replayCommand(path: string, token: string, o: { trace?: string; hangMs: number; maxEvents: number }, out: Out): Promise<number> {
  const r = await replay(path, token, { hangMs: o.hangMs, maxEvents: o.maxEvents });
  for (const f of r.findings) out(f.report);
  const table = formatInterrupts(r.interrupts, r.interrupts[0]?.perCpu.length ?? 0);
  if (table) out(table);
  if (o.trace) {
    try {
      writeFileSync(o.trace, traceJson(r));
    } catch (e) {
      throw new UsageError(`cannot write trace ${o.trace}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : (e as Error).message}`);
    }
  }
  // the token's trials, also when one of them never closed (a crash or a hang)
  const n = decodeToken(token).trials.length;
  out(`smpsim: replayed ${n} trial${n === 1 ? '' : 's'}: ${r.findings.length ? `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'}` : 'no findings'}`);
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
  addFlags(program.command('run').description('explore interleavings of a scenario').argument('<scenario>', 'scenario module (.ts or .js)'), 'run').action(
    async (path: string, o: RunFlags) => {
      code = await runCommand(path, o, out);
    },
  );
  addFlags(
    program.command('replay').description('replay a schedule token and print its reports').argument('<scenario>', 'scenario module').argument('<token>', 'schedule token from a report'),
    'replay',
  ).action(async (path: string, token: string, o: { trace?: string; hangMs: number; maxEvents: number }) => {
    code = await replayCommand(path, token, o, out);
  });
  registerStress(program, out, (n) => (code = n));
  registerExercises(program, out, (c) => (code = c));
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
    await shutdownMachines();
  }
  return code;
}
