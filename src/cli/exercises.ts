/**
 * `smpsim exercises` (the exercise book: list, run a variant with its explanation, verify
 * every verdict) and `smpsim tour` (a short readable walk through a few exercises).
 */
import type { Command } from 'commander';
import { join, relative } from 'node:path';
import { EXERCISES, type Exercise } from '../../exercises/index.ts';
import { explore } from '../run/explore.ts';
import type { ExploreResult } from '../run/result.ts';
import { UsageError } from '../run/options.ts';
import { stepSession } from './step.ts';
import { claim, verifyScenario } from '../run/verify.ts';
import { type SarifSource, writeSarif } from '../run/sarif-output.ts';
import { PACKAGE_ROOT } from '../machine/package-root.ts';
import { EXIT } from './exit-codes.ts';
import { DEFAULTS } from '../run/defaults.ts';
import { addFlags } from './flags.ts';

// the book's scenarios are .ts files in the package folder, whether the CLI runs from src or dist
const ROOT = PACKAGE_ROOT;

/** trials of a fixed variant per strategy in --verify (random, then PCT) */
const FIXED_TRIALS = 500;

type Out = (s: string) => void;

/** A book path as the user's shell would name it. */
function shown(path: string): string {
  return relative(process.cwd(), join(ROOT, path)) || path;
}

function find(name: string): Exercise {
  const e = EXERCISES.find((x) => x.name === name);
  if (!e) throw new UsageError(`no exercise "${name}" (smpsim exercises lists them)`);
  return e;
}

function explanation(e: Exercise): string {
  return [
    `${e.name}: ${e.title}`,
    '',
    `  The rule:  ${e.rule}`,
    `  The bug:   ${e.wrong}`,
    `  The fix:   ${e.fix}`,
    '',
  ].join('\n');
}

function kindsOf(r: ExploreResult[]): Set<string> {
  return new Set(r.flatMap((x) => x.findings.map((f) => f.kind)));
}

function list(out: Out): number {
  const width = Math.max(...EXERCISES.map((e) => e.name.length)) + 2;
  for (const e of EXERCISES) out(`${e.name.padEnd(width)}${e.title}`);
  out(`\nsmpsim exercises NAME runs the buggy variant; --fixed runs the fix; --verify checks every verdict.`);
  return EXIT.CLEAN;
}

async function runOne(e: Exercise, fixed: boolean, trials: number, out: Out, sarif?: string): Promise<number> {
  const path = shown(fixed ? e.fixed : e.buggy);
  out(explanation(e));
  out(`${fixed ? 'The fixed' : 'The buggy'} variant: ${path}`);
  const r = await explore(path, { trials, seed: 1 });
  if (sarif)
    await writeSarif(sarif, [
      {
        scenario: path,
        findings: r.findings,
        properties: { exercise: e.name, variant: fixed ? 'fixed' : 'buggy', trials: r.trials },
      },
    ]);
  for (const f of r.findings) out(f.report);
  const kinds = [...new Set(r.findings.map((f) => f.kind))];
  out(
    `smpsim: ${path}: ${r.trials} trials: ${kinds.length ? `${r.findings.length} finding${r.findings.length === 1 ? '' : 's'} (${kinds.join(', ')})` : 'no findings'}`,
  );
  if (!fixed) out(`(expected: ${e.expect.join(', ')}; the fix: smpsim exercises ${e.name} --fixed)`);
  return r.findings.length ? EXIT.FINDINGS : EXIT.CLEAN;
}

/** What checking one exercise found: the lines to print, whether both verdicts held, and the runs for SARIF. */
export interface ExerciseVerdict {
  ok: boolean;
  lines: string[];
  sarif: SarifSource[];
}

/** Check one exercise's verdicts. */
export async function verifyExercise(e: Exercise): Promise<ExerciseVerdict> {
  const lines: string[] = [];
  const buggy = [await explore(shown(e.buggy), { trials: DEFAULTS.trials, seed: 1 })];
  if (!e.expect.every((k) => kindsOf(buggy).has(k)))
    buggy.push(await explore(shown(e.buggy), { trials: DEFAULTS.trials, seed: 1, strategy: 'pct' }));
  const got = kindsOf(buggy);
  const missing = e.expect.filter((k) => !got.has(k));
  const extra = [...got].filter((k) => !e.expect.includes(k as never));
  lines.push(
    `${missing.length ? 'FAIL' : 'ok  '} ${e.name} buggy: ${missing.length ? `missing ${missing.join(', ')}` : e.expect.join(', ')}${extra.length ? ` (also ${extra.join(', ')})` : ''}`,
  );
  // every interleaving when the space is small enough; otherwise a sample, and it says which
  const t0 = Date.now();
  const v = await verifyScenario(shown(e.fixed));
  let fixedFindings = v.findings;
  let said = `${claim(v)} (${Date.now() - t0} ms)`;
  if (!v.complete) {
    const fixed = [
      await explore(shown(e.fixed), { trials: FIXED_TRIALS, seed: 1 }),
      await explore(shown(e.fixed), { trials: FIXED_TRIALS, seed: 1, strategy: 'pct' }),
    ];
    fixedFindings = fixed.flatMap((r) => r.findings);
    said = `${claim({ trials: fixed.reduce((n, r) => n + r.trials, 0) })}, random and PCT (${Date.now() - t0} ms)`;
  }
  lines.push(
    `${fixedFindings.length ? 'FAIL' : 'ok  '} ${e.name} fixed: ${fixedFindings.length ? fixedFindings.map((f) => `${f.kind}: ${f.title}`).join('; ') : `no findings, ${said}`}`,
  );
  if (fixedFindings.length) lines.push(...fixedFindings.map((f) => f.report));
  const sarif = [
    { path: e.buggy, variant: 'buggy', findings: buggy.flatMap((r) => r.findings) },
    { path: e.fixed, variant: 'fixed', findings: fixedFindings },
  ].map((v) => ({
    scenario: shown(v.path),
    findings: v.findings,
    properties: { exercise: e.name, variant: v.variant },
  }));
  return { ok: missing.length === 0 && fixedFindings.length === 0, lines, sarif };
}

async function verify(out: Out, sarif?: string): Promise<number> {
  let failed = 0;
  const runs: SarifSource[] = [];
  for (const e of EXERCISES) {
    const v = await verifyExercise(e);
    v.lines.forEach((l) => out(l));
    runs.push(...v.sarif);
    if (!v.ok) failed++;
  }
  // one run per variant: the buggy variants' findings are what the book is for
  if (sarif) await writeSarif(sarif, runs);
  out(`smpsim exercises --verify: ${EXERCISES.length - failed} of ${EXERCISES.length} exercises as expected`);
  return failed ? EXIT.FINDINGS : EXIT.CLEAN;
}

/** Step mode with the hint: the rule and the bug, and what to look for (`expect`). */
async function stepExercise(e: Exercise, fixed: boolean, out: Out): Promise<number> {
  const path = shown(fixed ? e.fixed : e.buggy);
  const hint = `${explanation(e)}You are the scheduler of ${path}: find the interleaving that breaks it (${e.expect.join(', ')}).\n`;
  return stepSession(path, [], out, hint);
}

/** The exercises the tour walks through, in order. */
const TOUR = ['lost-update', 'abba', 'irq-lock-no-irqsave'];

async function tour(out: Out): Promise<number> {
  out('smpsim tour: a few classic kernel locking bugs, found, shrunk to the smallest interleaving, and fixed.\n');
  for (const name of TOUR) {
    const e = find(name);
    out(`${'#'.repeat(78)}\n${explanation(e)}`);
    const buggy = shown(e.buggy);
    // shrink toward the finding that tells this bug (a lost update, not the race beside it)
    const primary = e.expect[0]!;
    // fast-check is loaded only for the tour, not at every start of the command
    const { checkScenario } = await import('../fuzz/check.ts');
    const r = await checkScenario(buggy, { kinds: [primary], throws: false, numRuns: 100 });
    if (r.failed) {
      out(`fast-check found it in ${buggy} and shrank it to ${r.switches} preemption${r.switches === 1 ? '' : 's'}:\n`);
      out(`${r.interleaving ?? ''}\n`);
      const f = r.findings.find((x) => x.kind === primary);
      if (f) out(f.report);
    } else {
      out(`(no schedule failed this time: ${r.message})`);
    }
    const fixed = await explore(shown(e.fixed), { trials: FIXED_TRIALS, seed: 1 });
    out(
      `The fix, ${shown(e.fixed)}: ${fixed.findings.length ? `${fixed.findings.length} findings` : `no findings in ${fixed.trials} trials`}.\n`,
    );
  }
  out(`More: smpsim exercises (the whole book), smpsim exercises NAME [--fixed], smpsim run <scenario>.`);
  return EXIT.CLEAN;
}

/** Add `exercises` and `tour` to the command; `done` receives the exit status. */
export function registerExercises(program: Command, out: Out, done: (code: number) => void): void {
  addFlags(
    program
      .command('exercises')
      .description('the exercise book: list, run one (buggy or --fixed), or --verify every verdict')
      .argument('[name]', 'exercise to run'),
    'exercises',
  ).action(
    async (
      name: string | undefined,
      o: { fixed?: boolean; verify?: boolean; step?: boolean; trials: number; sarif?: string },
    ) => {
      if (o.verify) done(await verify(out, o.sarif));
      else if (name && o.step) done(await stepExercise(find(name), !!o.fixed, out));
      else if (name) done(await runOne(find(name), !!o.fixed, o.trials, out, o.sarif));
      else done(list(out));
    },
  );
  addFlags(program.command('tour').description('a short tour: a few exercises found, shrunk and fixed'), 'tour').action(
    async () => done(await tour(out)),
  );
}
