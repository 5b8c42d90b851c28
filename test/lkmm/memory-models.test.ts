/**
 * The memory model as a user meets it: the scenario field and --memory, bad values, what the
 * report and the JSON say, replay of a weak-memory finding, every strategy reaching the
 * reordering, and the race detector keeping its meaning (plain accesses race, marked don't).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { Layout } from '../../src/machine/layout.ts';
import { cli, scenarioFile } from '../helpers.ts';
import { scenario, shared } from '../../src/kernel/declare.ts';

afterAll(() => shutdown());

/** Message passing with two WRITE_ONCE()s: reachable only when stores can be reordered. */
const mp = (memory: string | undefined): string =>
  scenarioFile(
    'mp',
    `import { scenario, shared, READ_ONCE, WRITE_ONCE } from 'smpsim';
export default scenario({
  name: 'message passing', cpus: 2,${memory ? ` memory: '${memory}',` : ''}
  state: { buf: shared(0), flag: shared(0), seen: shared(-1) },
  tasks: [
    { cpu: 0, run: (s) => { WRITE_ONCE(s.buf, 1); WRITE_ONCE(s.flag, 1); } },
    { cpu: 1, run: (s) => { if (READ_ONCE(s.flag)) WRITE_ONCE(s.seen, READ_ONCE(s.buf)); } },
  ],
  check: (s) => s.seen.value !== 0 || 'saw flag == 1 and buf == 0',
});
`,
  );

describe('choosing the memory model', () => {
  it("'sc' is the default: message passing is clean, and the machine has no store buffers", async () => {
    const r = await explore(mp(undefined), { strategy: 'dpor' });
    expect(r.findings).toEqual([]);
    expect(r.memory).toBe('sc');
    expect(r.exhaustive?.complete).toBe(true);
    const def = scenario({ cpus: 2, state: { x: shared() }, tasks: [{ run: () => {} }] }).def;
    expect(new Layout(def).memory.words).toBe(0);
    expect(new Layout(def, { ...new Layout(def).limits, memory: 'weak' }).memory.words).toBeGreaterThan(0);
  }, 120_000);

  it('--memory weak finds the reordering; the report shows it; the JSON and summary name the model', () => {
    const path = mp(undefined);
    const r = cli(['run', path, '--strategy', 'dpor', '--memory', 'weak']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain("the scenario's check() failed after every CPU finished: saw flag == 1 and buf == 0");
    expect(r.stdout).toContain('The interleaving (memory model: weak):');
    expect(r.stdout).toContain('READ_ONCE(flag) = 1');
    expect(r.stdout).toMatch(
      /READ_ONCE\(buf\) = 0 \((CPU0's store still in CPU0's buffer|an older store: CPU0's newer one has not reached CPU1 yet)\)/,
    );
    expect(r.stdout).toContain('(store flag = 1 becomes visible)');
    expect(r.stdout).toMatch(/complete \(dpor, memory weak\): 1 finding \(assertion\)/);
    const token = /replay: smpsim replay \S+ (\S+)/.exec(r.stdout)![1]!;
    expect(token).toMatch(/:c2weak:/);
    const again = cli(['replay', path, token]);
    expect(again.status).toBe(1);
    expect(again.stdout).toContain('READ_ONCE(flag) = 1');
    const json = JSON.parse(cli(['run', path, '--strategy', 'dpor', '--memory', 'weak', '--json']).stdout);
    expect(json.memory).toBe('weak');
    expect(json.findings.map((f: { kind: string }) => f.kind)).toEqual(['assertion']);
  }, 180_000);

  it("under 'tso' message passing stays clean (stores drain in order)", async () => {
    const r = await explore(mp('tso'), { strategy: 'dpor' });
    expect(r.findings).toEqual([]);
    expect(r.memory).toBe('tso');
    expect(r.exhaustive?.complete).toBe(true);
  }, 120_000);

  it('random and PCT reach the reordering too', async () => {
    for (const strategy of ['random', 'pct']) {
      const r = await explore(mp('weak'), { strategy, trials: 2000, seed: 1, reports: false });
      expect(
        r.findings.map((f) => f.kind),
        strategy,
      ).toEqual(['assertion']);
    }
  }, 120_000);

  it('a bad model is a one-line usage error, from the flag or from the scenario', () => {
    const flag = cli(['run', mp(undefined), '--memory', 'relaxed']);
    expect(flag.status).toBe(2);
    expect(flag.stderr.trim()).toBe('smpsim: --memory must be sc, tso, weak, got "relaxed"');
    const field = cli(['run', mp('relaxed')]);
    expect(field.status).toBe(2);
    expect(field.stderr).toContain("scenario: memory must be 'sc', 'tso', 'weak', got 'relaxed'");
    expect(field.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});

describe('the race detector under a weak model', () => {
  const racy = (marked: boolean): string =>
    scenarioFile(
      'weak-race',
      `import { scenario, shared, READ_ONCE, WRITE_ONCE } from 'smpsim';
export default scenario({
  name: 'a shared word written and read', cpus: 2, memory: 'weak',
  state: { x: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { ${marked ? 'WRITE_ONCE(s.x, 1)' : 's.x.value = 1'}; } },
    { cpu: 1, run: (s) => { ${marked ? 'READ_ONCE(s.x)' : 's.x.value'}; } },
  ],
});
`,
    );

  it('plain accesses still race; marked ones do not', async () => {
    const plain = await explore(racy(false), { strategy: 'dpor' });
    expect(plain.findings.map((f) => f.kind)).toEqual(['data-race']);
    const marked = await explore(racy(true), { strategy: 'dpor' });
    expect(marked.findings).toEqual([]);
  }, 120_000);

  it('xchg() is fully ordered under weak: store buffering with xchg for the stores never reads 0 twice', async () => {
    const sb = (store: (v: string) => string) =>
      scenarioFile(
        'sb-xchg',
        `import { scenario, shared, READ_ONCE, WRITE_ONCE, xchg } from 'smpsim';
export default scenario({ cpus: 2, memory: 'weak',
  state: { x: shared(0), y: shared(0), r0: shared(-1), r1: shared(-1) },
  tasks: [
    { cpu: 0, run: (s) => { ${store('x')}; WRITE_ONCE(s.r0, READ_ONCE(s.y)); } },
    { cpu: 1, run: (s) => { ${store('y')}; WRITE_ONCE(s.r1, READ_ONCE(s.x)); } },
  ],
  check: (s) => !(s.r0.value === 0 && s.r1.value === 0) || 'both read 0',
});
`,
      );
    const ordered = await explore(
      sb((v) => `xchg(s.${v}, 1)`),
      { strategy: 'dpor' },
    );
    expect(ordered.exhaustive?.complete).toBe(true);
    expect(ordered.findings).toEqual([]);
    const plain = await explore(
      sb((v) => `WRITE_ONCE(s.${v}, 1)`),
      { strategy: 'dpor' },
    );
    expect(plain.findings.map((f) => f.kind)).toEqual(['assertion']);
  }, 120_000);

  it('a call whose ordering the weak models do not cover is a one-line usage error there, exit 2', () => {
    const p = scenarioFile(
      'bits-weak',
      `import { scenario, shared, set_bit } from 'smpsim';
export default scenario({ cpus: 1, memory: 'weak', state: { f: shared(0) }, tasks: [{ cpu: 0, run: (s) => set_bit(0, s.f) }] });
`,
    );
    const r = cli(['run', p]);
    expect(r.stderr.trim()).toBe(
      `smpsim: set_bit(s.f): its ordering is not modelled under a weak memory model ('tso' or 'weak'); run it with memory: 'sc' (at ${p}:2)`,
    );
    expect(r.status).toBe(2);
    expect(cli(['run', p, '--memory', 'sc']).status).toBe(0);
  });
});
