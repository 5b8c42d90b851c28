/**
 * --strategy dpor as a user meets it: the exact execution counts of small spaces, the
 * verdicts on the classic bugs, the summary line and JSON, bounds, and DPOR's findings
 * replaying like any other.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown, verifyScenario } from '../src/index.ts';
import { cli, scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

const ownCells = scenarioFile(
  'dpor-own-cells',
  `import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';
export default scenario({
  name: 'three increments each, on cells of their own', cpus: 2,
  state: { a: atomic(0), b: atomic(0) },
  tasks: [
    { cpu: 0, run: (s) => { for (let i = 0; i < 3; i++) atomic_inc(s.a); } },
    { cpu: 1, run: (s) => { for (let i = 0; i < 3; i++) atomic_inc(s.b); } },
  ],
  check: (s) => (atomic_read(s.a) === 3 && atomic_read(s.b) === 3) || 'lost an increment',
});
`,
);

const lostUpdate = scenarioFile(
  'dpor-lost-update',
  `import { scenario, shared } from 'smpsim';
const inc = (s: any) => { s.x.value = s.x.value + 1; };
export default scenario({
  name: 'x = x + 1 on both CPUs', cpus: 2,
  state: { x: shared(0) },
  tasks: [{ cpu: 0, run: inc }, { cpu: 1, run: inc }],
  check: (s) => s.x.value === 2 || \`lost update: x=\${s.x.value}\`,
});
`,
);

/** n philosophers, fork i on their left; `ordered`: each takes its lower-numbered fork first. */
function dining(n: number, ordered: boolean): string {
  return scenarioFile(
    `dpor-dining-${n}-${ordered ? 'fixed' : 'buggy'}`,
    `import { scenario, semaphores, shareds, down, up } from 'smpsim';
const N = ${n};
const philosopher = (i: number) => (s: any) => {
  const left = i, right = (i + 1) % N;
  const [first, second] = ${ordered ? 'left < right ? [left, right] : [right, left]' : '[left, right]'};
  down(s.fork[first]);
  down(s.fork[second]);
  s.meals[i].value = s.meals[i].value + 1; // eats, between its two forks
  up(s.fork[second]);
  up(s.fork[first]);
};
export default scenario({
  name: 'dining philosophers on binary semaphores', cpus: N,
  state: { fork: semaphores(N, 1), meals: shareds(N) },
  tasks: Array.from({ length: N }, (_, i) => ({ cpu: i, run: philosopher(i) })),
  check: (s) => s.meals.every((m: any) => m.value === 1) || 'a philosopher did not eat',
});
`,
  );
}

describe('--strategy dpor: exact spaces', () => {
  it('two CPUs, three increments each on their own cells: exactly 1 execution, complete', async () => {
    const r = await explore(ownCells, { strategy: 'dpor' });
    expect(r.exhaustive).toMatchObject({ complete: true, executions: 1, bound: null, sleepSetBlocked: 0 });
    expect(r.findings).toEqual([]);
  });

  it('x = x + 1 on both CPUs: complete, finds the lost update, in at most 6 executions', async () => {
    const v = await verifyScenario(lostUpdate);
    expect(v.complete).toBe(true);
    expect(v.executions).toBeLessThanOrEqual(6);
    expect(v.executions).toBeGreaterThanOrEqual(2);
    const lost = v.findings.find((f) => f.kind === 'assertion');
    expect(lost?.title).toContain('lost update: x=1');
    // an explored execution is an ordinary replay token
    const again = await replay(lostUpdate, lost!.replay);
    expect(again.findings.map((f) => f.kind)).toContain('assertion');
  });
});

describe('--strategy dpor: dining philosophers on binary semaphores', () => {
  for (const n of [3, 5]) {
    it(`${n} philosophers taking the lower fork first: complete, clean`, async () => {
      const v = await verifyScenario(dining(n, true));
      expect(v.findings.map((f) => f.kind)).toEqual([]);
      expect(v.complete).toBe(true);
    }, 120_000);
  }

  it('each taking the left fork first: the deadlock', async () => {
    const v = await verifyScenario(dining(3, false));
    expect(v.complete).toBe(true);
    const d = v.findings.find((f) => f.kind === 'deadlock');
    expect(d?.report).toContain('*** DEADLOCK ***');
  });
});

describe('smpsim run --strategy dpor', () => {
  it('says it explored all executions, and the JSON says the same', () => {
    const text = cli(['run', ownCells, '--strategy', 'dpor']);
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`smpsim: ${ownCells}: explored all 1 execution: complete (dpor): no findings`);
    const json = cli(['run', lostUpdate, '--strategy', 'dpor', '--json']);
    expect(json.status).toBe(1);
    const r = JSON.parse(json.stdout);
    expect(r.exhaustive).toMatchObject({ complete: true, bound: null, sleepSetBlocked: 0 });
    expect(r.exhaustive.executions).toBeLessThanOrEqual(6);
    expect(r.findings.map((f: { kind: string }) => f.kind)).toContain('assertion');
  });

  it('stops where it is told, and says it is not complete', () => {
    const r = cli(['run', dining(3, true), '--strategy', 'dpor', '--max-executions', '2']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/explored|stopped/);
    expect(r.stdout).toContain('stopped at 2 executions: not complete (dpor): no findings');
  });

  it('a preemption bound of 0 never switches away from a CPU that can go on: the lost update needs one', async () => {
    const r = await explore(lostUpdate, { strategy: 'dpor', preemptionBound: 0 });
    expect(r.exhaustive?.bound).toBe(0);
    expect(r.exhaustive?.complete).toBe(false);
    expect(r.findings.map((f) => f.kind)).not.toContain('assertion');
    const it1 = await explore(lostUpdate, { strategy: 'dpor', preemptionBound: 1, iterate: true });
    expect(it1.findings.map((f) => f.kind)).toContain('assertion');
    expect(it1.exhaustive?.bound).toBe(1);
  });

  it('a bound without dpor, or a bad one, is a one-line usage error', () => {
    const a = cli(['run', ownCells, '--preemption-bound', '2']);
    expect(a.status).toBe(2);
    expect(a.stderr.trim()).toBe('smpsim: preemption bound and max executions are for --strategy dpor (or dfs)');
    const b = cli(['run', ownCells, '--strategy', 'dpor', '--preemption-bound', '-1']);
    expect(b.status).toBe(2);
    expect(b.stderr.trim()).toBe('smpsim: --preemption-bound must be an integer ≥ 0, got "-1"');
  });
});
