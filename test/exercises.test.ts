/**
 * The exercise book as a user meets it: `smpsim exercises --verify` passes, the listing names
 * every exercise, and the fast-check helpers work on a fixed and a buggy exercise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario, expectNoFindings, replay, shutdown } from '../src/index.ts';
import { ScenarioCheckError } from '../src/fuzz/index.ts';
import { EXERCISES } from '../exercises/index.ts';
import { cli } from './helpers.ts';

afterAll(() => shutdown());

describe('smpsim exercises', () => {
  it('--verify: every buggy variant shows its expected findings, every fixed one none', () => {
    const r = cli(['exercises', '--verify'], 240_000);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/^FAIL/m);
    expect(r.stdout).toContain(`${EXERCISES.length} of ${EXERCISES.length} exercises as expected`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}lost-update fixed: no findings, verified: all \d+ executions/m);
  }, 240_000);

  it('the book has at least 15 exercises and lists each on one line', () => {
    expect(EXERCISES.length).toBeGreaterThanOrEqual(15);
    const r = cli(['exercises']);
    expect(r.status).toBe(0);
    for (const e of EXERCISES) expect(r.stdout).toMatch(new RegExp(`^${e.name} +\\S`, 'm'));
  });

  it('NAME runs the buggy variant with the explanation; --fixed shows it clean', () => {
    const buggy = cli(['exercises', 'abba', '--trials', '300']);
    expect(buggy.status).toBe(1);
    expect(buggy.stdout).toContain('The rule:');
    expect(buggy.stdout).toContain('*** DEADLOCK ***');
    const fixed = cli(['exercises', 'abba', '--fixed', '--trials', '300']);
    expect(fixed.status).toBe(0);
    expect(fixed.stdout).toContain('exercises/abba-fixed.ts: 300 trials: no findings');
  });
});

describe('fast-check helpers on exercises', () => {
  it('expectNoFindings passes on a fixed exercise', async () => {
    await expectNoFindings('exercises/refcount-release/fixed.ts', { numRuns: 100, seed: 1 });
  });

  it('checkScenario on a buggy exercise finds its kind, shrinks it, and the token reproduces it', async () => {
    const err = await checkScenario('exercises/refcount-release/buggy.ts', { seed: 1 }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ScenarioCheckError);
    const r = (err as ScenarioCheckError).result;
    expect(r.findings.map((f) => f.kind)).toContain('assertion');
    expect(r.switches).toBe(1);
    expect(r.message).toContain('CPU0');
    expect(r.message).toContain('atomic_dec(refcount) = 1');
    expect(r.message).toContain(`replay: smpsim replay exercises/refcount-release/buggy.ts ${r.token}`);
    expect(r.message).toMatch(
      /re-run: checkScenario\("exercises\/refcount-release\/buggy.ts", \{ seed: 1, path: "[\d:]+" \}\)/,
    );
    const again = await replay('exercises/refcount-release/buggy.ts', r.token!);
    expect(again.findings.map((f) => f.kind)).toContain('assertion');
  });
});
