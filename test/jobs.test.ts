import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';
import { jobRanges } from '../src/run/jobs.ts';
import { cli, scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

/** What a user compares between two runs: every finding with its token, count and report. */
const essence = (r: Awaited<ReturnType<typeof explore>>) => ({
  trials: r.trials,
  switches: r.switches,
  interrupts: r.interrupts,
  findings: r.findings.map((f) => ({
    kind: f.kind,
    signature: f.signature,
    replay: f.replay,
    firstTrial: f.firstTrial,
    count: f.count,
    report: f.report,
  })),
});

describe('--jobs: machines on disjoint blocks of trials', () => {
  it('blocks cover the trials once, in order, none empty', () => {
    expect(jobRanges(10, 17, 3)).toEqual([
      { first: 10, end: 12 },
      { first: 12, end: 14 },
      { first: 14, end: 17 },
    ]);
    expect(jobRanges(0, 2, 8)).toEqual([
      { first: 0, end: 1 },
      { first: 1, end: 2 },
    ]);
  });

  it('smpsim run --jobs 2 prints the findings, counts and tokens of --jobs 1', () => {
    const run = (jobs: string) =>
      cli(
        ['run', 'exercises/lost-update/buggy.ts', '--trials', '1500', '--seed', '7', '--jobs', jobs, '--json'],
        120_000,
      );
    const one = run('1');
    const two = run('2');
    expect(one.status).toBe(1);
    expect(two.status).toBe(1);
    const strip = (text: string) => {
      const { elapsedMs: _e, ...rest } = JSON.parse(text) as { elapsedMs: number };
      return rest;
    };
    const a = strip(one.stdout) as { findings: { kind: string; count: number }[] };
    expect(a.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['assertion', 'data-race']));
    expect(a.findings.every((f) => f.count > 1)).toBe(true);
    expect(strip(two.stdout)).toEqual(a);
  });

  it('explore() with 3 jobs equals 1 job on a deadlock', async () => {
    const one = await explore('exercises/abba.ts', { trials: 600, seed: 3, jobs: 1 });
    const three = await explore('exercises/abba.ts', { trials: 600, seed: 3, jobs: 3 });
    expect(one.findings.map((f) => f.kind)).toContain('deadlock');
    expect(essence(three)).toEqual(essence(one));
  });

  it('a lock-order cycle whose halves fall in different machines is found as one machine finds it', async () => {
    // each trial takes the locks in one order only (seed 1: b, a then a, b): with two machines
    // of one trial each, neither machine's lockdep sees both halves
    const p = scenarioFile(
      'halves',
      `import { scenario, spinlock, spin_lock, spin_unlock, atomic, atomic_read, atomic_set } from 'smpsim';
export default scenario({ cpus: 2, state: { a: spinlock(), b: spinlock(), flag: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => {
    if (atomic_read(s.flag)) { spin_lock(s.a); spin_lock(s.b); spin_unlock(s.b); spin_unlock(s.a); }
    else { spin_lock(s.b); spin_lock(s.a); spin_unlock(s.a); spin_unlock(s.b); }
  } },
  { cpu: 1, run: (s) => atomic_set(s.flag, 1) },
] });
`,
    );
    const one = await explore(p, { trials: 2, seed: 1, jobs: 1 });
    const two = await explore(p, { trials: 2, seed: 1, jobs: 2 });
    expect(one.findings.map((f) => f.kind)).toEqual(['circular-dependency']);
    expect(essence(two)).toEqual(essence(one));
  });

  it('--jobs 0 is a one-line usage error', () => {
    const r = cli(['run', 'exercises/abba.ts', '--jobs', '0']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('smpsim: --jobs must be a positive integer, got "0"');
  });
});
