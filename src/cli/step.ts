/**
 * `smpsim step <scenario>`: you are the scheduler. At each decision the machine's state is shown
 * (per agent: context, next kernel call with its call site, held locks, preempt count, irqs)
 * with the options; a number takes an option, `u` undoes, `t` prints the token, `r` chooses at
 * random to the end, `q` quits. Findings are printed as soon as they happen. The machine lives
 * in a worker behind a comlink proxy (openMachine); this file only talks and listens.
 */
import type { Command } from 'commander';
import { addFlags } from './flags.ts';
import type { LiveMachine } from '../run/step/open-machine.ts';
import type { StepState } from '../run/step/controller.ts';
import type { StepSnapshot } from '../run/step/snapshot.ts';
import { UsageError } from '../run/options.ts';

type Out = (s: string) => void;

export function formatSnapshot(s: StepSnapshot): string {
  const lines = [`step ${s.step} (${s.events} events) · token ${s.token}`];
  for (const a of s.agents) {
    const state = `${a.context.padEnd(8)} preempt_count 0x${a.preemptCount.toString(16).padStart(8, '0')}  irqs ${a.irqsOff ? 'off' : 'on '}`;
    lines.push(`CPU${a.cpu} ${a.task.padEnd(16)} ${state}  held: ${a.held.length ? a.held.join(', ') : '-'}`);
    if (a.waiting) lines.push(`     ${a.waiting}`);
    if (a.next) lines.push(`     next: ${a.next.call}  at ${a.next.site}`);
    else if (a.done) lines.push('     done');
  }
  if (s.ended) lines.push(`the trial has ended: ${s.ended}`);
  else lines.push('options:', ...s.options.map((o) => `  ${o.index}: ${o.text}`));
  return lines.join('\n');
}

/** Parse `--choices 1,1,0,0`. */
export function parseChoices(text: string | undefined): number[] {
  if (text === undefined || text.trim() === '') return [];
  return text.split(',').map((x) => {
    if (!/^\s*\d+\s*$/.test(x)) throw new UsageError(`--choices: "${x}" is not an option number (expected e.g. 1,0,1)`);
    return Number(x);
  });
}

const PROMPT = 'choice (number, u undo, t token, r random, q quit)> ';

/** Drive one machine from the choices given, then from stdin; the exit status. */
export async function stepSession(path: string, choices: number[], out: Out, intro?: string): Promise<number> {
  // loaded here, not with the command line: every other command's start would pay for it
  const [{ openMachine }, { createInterface }] = await Promise.all([
    import('../run/step/open-machine.ts'),
    import('node:readline'),
  ]);
  const machine: LiveMachine = openMachine(path);
  let findings = 0;
  const show = (st: StepState): void => {
    for (const f of st.findings) {
      findings++;
      out(f.report);
    }
    out(formatSnapshot(st.snapshot));
  };
  try {
    if (intro) out(intro);
    let st = await machine.start(choices);
    show(st);
    const rl = createInterface({ input: process.stdin, terminal: false });
    const lines = rl[Symbol.asyncIterator]();
    while (!st.snapshot.ended) {
      if (process.stdin.isTTY) process.stdout.write(PROMPT);
      const next = await lines.next();
      if (next.done) break;
      const cmd = next.value.trim();
      if (cmd === '') continue;
      if (cmd === 'q') break;
      if (cmd === 't') out(`token: ${await machine.token()}`);
      else if (cmd === 'u') show((st = await machine.undo()));
      else if (cmd === 'r') show((st = await machine.random()));
      else if (/^\d+$/.test(cmd) && Number(cmd) < st.snapshot.options.length)
        show((st = await machine.choose(Number(cmd))));
      else
        out(`smpsim step: "${cmd}" is not an option (0-${st.snapshot.options.length - 1}) or a command (u, t, r, q)`);
    }
    rl.close();
    out(
      `smpsim step: ${path}: token ${await machine.token()}: ${findings ? `${findings} finding${findings === 1 ? '' : 's'}` : 'no findings'}`,
    );
    return findings ? 1 : 0;
  } catch (e) {
    // the controller's errors cross the worker boundary as plain errors: one line, exit 2
    process.stderr.write(`smpsim: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  } finally {
    await machine.close();
  }
}

export function registerStep(program: Command, out: Out, done: (code: number) => void): void {
  addFlags(
    program
      .command('step')
      .description('you are the scheduler: choose every step of a trial by hand')
      .argument('<scenario>', 'scenario module'),
    'step',
  ).action(async (path: string, o: { choices?: string }) => {
    done(await stepSession(path, parseChoices(o.choices), out));
  });
}
