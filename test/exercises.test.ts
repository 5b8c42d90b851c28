/**
 * The exercise book as a user meets it: `smpsim exercises --verify` passes, the listing names
 * every exercise, and the fast-check helpers work on a fixed and a buggy exercise.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario, expectNoFindings, replay, shutdown } from '../src/index.ts';
import { ScenarioCheckError } from '../src/fuzz/index.ts';
import { EXERCISES } from '../exercises/index.ts';
import { cli, ROOT } from './helpers.ts';

afterAll(() => shutdown());

describe('smpsim exercises', () => {
  it('--verify: every buggy variant shows its expected findings, every fixed one none', () => {
    const sarif = join(mkdtempSync(join(tmpdir(), 'smpsim-book-')), 'book.sarif');
    const r = cli(['exercises', '--verify', '--sarif', sarif], 400_000);
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toMatch(/^FAIL/m);
    expect(r.stdout).toContain(`${EXERCISES.length} of ${EXERCISES.length} exercises as expected`);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}lost-update fixed: no findings, verified: all \d+ executions/m);
    // --sarif: a valid log with one run per variant, each buggy run carrying its expected kinds
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    expect(validate(log) ? [] : validate.errors).toEqual([]);
    const runs = log.runs as { properties: { exercise: string; variant: string }; results: { ruleId: string }[] }[];
    expect(runs).toHaveLength(2 * EXERCISES.length);
    for (const e of EXERCISES) {
      const of = (variant: string) =>
        runs.find((x) => x.properties.exercise === e.name && x.properties.variant === variant)!;
      for (const k of e.expect) expect(of('buggy').results.map((x) => x.ruleId)).toContain(k);
      expect(of('fixed').results).toEqual([]);
    }
  }, 400_000);

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
