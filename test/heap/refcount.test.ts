import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { cli, scenarioFile, siteOf as at } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, refcount, kref, atomic, refcount_set, refcount_read, refcount_inc, refcount_dec, refcount_add,
  refcount_inc_not_zero, refcount_dec_and_test, kref_get, kref_put, kref_read, kref_get_unless_zero, atomic_inc,
  REFCOUNT_MAX,
} from 'smpsim';`;

function oneTask(name: string, body: string): string {
  return scenarioFile(
    name,
    `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { r: refcount(1), k: kref(), released: atomic(0) },
  tasks: [{ cpu: 0, run: (s) => {
${body}
  } }],
});
`,
  );
}

describe('refcount_t', () => {
  it('refcount_inc on 0: "refcount_t: addition on 0; use-after-free." as lib/refcount.c WARNs it', async () => {
    const p = oneTask(
      'refcount-add-on-0',
      `    refcount_set(s.r, 0);
    refcount_inc(s.r);`,
    );
    const r = await explore(p, { trials: 2 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['refcount-warning', 'refcount_t: addition on 0; use-after-free.'],
    ]);
    expect(r.findings[0]!.report).toContain(
      [
        '------------[ cut here ]------------',
        'refcount_t: addition on 0; use-after-free.',
        `WARNING: CPU: 0 PID: 1001 at ${at(p, 'refcount_inc(s.r)')} refcount_warn_saturate`,
      ].join('\n'),
    );
    expect(r.findings[0]!.report).toContain(` refcount_inc(r) at ${at(p, 'refcount_inc(s.r)')}`);
  });

  it('underflow, saturation and a refcount_dec that hits 0 each WARN with the kernel text', async () => {
    const p = oneTask(
      'refcount-misuse',
      `    refcount_dec_and_test(s.r);
    refcount_dec_and_test(s.r);
    refcount_set(s.r, REFCOUNT_MAX);
    refcount_add(2, s.r);
    refcount_set(s.r, 1);
    refcount_dec(s.r);`,
    );
    const r = await explore(p, { trials: 2 });
    expect(r.findings.map((f) => f.title)).toEqual([
      'refcount_t: underflow; use-after-free.',
      'refcount_t: saturated; leaking memory.',
      'refcount_t: decrement hit 0; leaking memory.',
    ]);
    expect(r.findings.every((f) => f.kind === 'refcount-warning')).toBe(true);
  });

  it('a saturated count stays saturated: no wrap to a small value that could be freed', async () => {
    const p = oneTask(
      'refcount-saturated',
      `    refcount_set(s.r, 0);
    refcount_inc(s.r);
    for (let i = 0; i < 3; i++) refcount_dec_and_test(s.r);
    if (refcount_read(s.r) >= 0) throw new Error('the count wrapped');`,
    );
    const r = await explore(p, { trials: 1 });
    // no exception: the count read back is still REFCOUNT_SATURATED
    expect(r.findings.map((f) => f.title).sort()).toEqual([
      'refcount_t: addition on 0; use-after-free.',
      'refcount_t: underflow; use-after-free.',
    ]);
  });

  it('the classic use, get and put on two CPUs with the last put releasing, is clean over 1,000 trials', async () => {
    const p = scenarioFile(
      'kref-clean',
      `${IMPORTS}
const user = (s) => { if (kref_get_unless_zero(s.k)) kref_put(s.k, () => atomic_inc(s.released)); };
export default scenario({
  cpus: 2,
  state: { k: kref(), released: atomic(0), r: refcount(2) },
  tasks: [
    { cpu: 0, run: (s) => { user(s); kref_put(s.k, () => atomic_inc(s.released)); refcount_dec_and_test(s.r); } },
    { cpu: 1, run: (s) => { user(s); if (refcount_inc_not_zero(s.r)) refcount_dec_and_test(s.r); refcount_dec_and_test(s.r); } },
  ],
  check: (s) => kref_read(s.k) === 0 && refcount_read(s.r) === 0 || 'counts did not reach 0',
});
`,
    );
    const r = await explore(p, { trials: 1000, seed: 5 });
    expect(r.findings).toEqual([]);
  });
});

describe('kref', () => {
  it('kref_put racing with a lookup that takes its reference with kref_get: use-after-free; kref_get_unless_zero: clean', () => {
    const buggy = cli(['run', 'exercises/kref-release/buggy.ts', '--trials', '1000', '--json']);
    expect(buggy.status).toBe(1);
    const kinds = (JSON.parse(buggy.stdout) as { findings: { kind: string; title: string }[] }).findings.map(
      (f) => `${f.kind}: ${f.title}`,
    );
    expect(kinds).toContain('use-after-free: BUG: KASAN: slab-use-after-free in run');
    const fixed = cli(['run', 'exercises/kref-release/fixed.ts', '--trials', '1000']);
    expect(fixed.stdout + fixed.stderr).toContain('no findings');
    expect(fixed.status).toBe(0);
  });
});
