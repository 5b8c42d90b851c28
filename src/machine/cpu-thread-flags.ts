/**
 * The flags CPU threads run under: the Node flags a pool starts its threads with, and the V8
 * compile mode a thread sets for long runs.
 */
import { setFlagsFromString } from 'node:v8';

/** Node flags that load a module first, with its name as their value (next, or after "="). */
const HOOK_FLAGS = new Set(['--import', '--require', '-r', '--loader', '--experimental-loader']);
/** The process's own script given inline (`node -e`, `tsx -e`): no business of a CPU thread's. */
const SCRIPT_FLAGS = new Set(['--eval', '-e', '--print', '-p']);

/**
 * The Node flags a CPU thread starts with, when they differ from the process's own: those but
 * for an inline script and the hooks tsx installs when the process runs under it
 * (`tsx script.ts`). A CPU thread runs bundled JavaScript, or imports TypeScript through tsx's
 * API itself; under the inherited hooks each thread ran the whole bundle through tsx's
 * transform again at start: a first one-trial run took about 1 s instead of 0.6 s. Undefined
 * when there is nothing to leave out: the threads inherit the process's flags then.
 */
export function cpuWorkerExecArgv(argv: readonly string[] = process.execArgv): string[] | undefined {
  const out: string[] = [];
  let leftOut = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.indexOf('=');
    const flag = eq < 0 ? arg : arg.slice(0, eq);
    if (!HOOK_FLAGS.has(flag) && !SCRIPT_FLAGS.has(flag)) {
      out.push(arg);
      continue;
    }
    const value = eq < 0 ? (argv[++i] ?? '') : arg.slice(eq + 1);
    if (HOOK_FLAGS.has(flag) && !/(^|[\\/])tsx([\\/]|$)/.test(value)) out.push(flag, value);
    else leftOut = true;
  }
  return leftOut ? out : undefined;
}

let baselineSet = false;
/**
 * Batches shorter than this leave V8's tiering as it is: baseline code for every function
 * compiled costs compile time up front (a one-trial `smpsim run` measured 13-70 ms slower),
 * which a replay or a one-trial check would pay without getting it back.
 */
const BASELINE_FROM_TRIALS = 1000;

/**
 * Have V8 compile every function to baseline (Sparkplug) code when it is first compiled,
 * rather than interpret it until it has run often enough, from the first batch of at least
 * BASELINE_FROM_TRIALS trials on. A trial runs a few dozen kernel, strategy and detector
 * functions a few times each, and many of them stayed interpreted for tens of thousands of
 * trials: with it, the buggy lost update's steady rate went up by a fifth (55k-62k to
 * 65k-75k trials/s on a busy host, 72k-92k to 95k-110k on a quiet one) and V8's warm-up over
 * its first 30,000 trials got shorter. V8's flags are the process's: this sets it once.
 */
export function compileToBaselineAtOnce(trials: number): void {
  if (baselineSet || trials < BASELINE_FROM_TRIALS) return;
  baselineSet = true;
  setFlagsFromString('--always-sparkplug');
}
