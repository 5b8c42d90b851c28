/**
 * Bit operations on a `shared` word of flags, xchg/cmpxchg on a `shared` int, and the
 * atomic64_t / atomic_long_t families: their classic correct uses run clean, their classic
 * misuses are found, a wrong kind is a usage error (exit 2, one line).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import { scenario, shared, atomic, atomic64, atomic_long, set_bit, clear_bit, change_bit, test_bit,
  test_and_set_bit, test_and_clear_bit, test_and_change_bit, test_and_set_bit_lock, clear_bit_unlock, __set_bit,
  xchg, cmpxchg, READ_ONCE, atomic64_set, atomic64_read, atomic64_inc, atomic64_add_return, atomic64_cmpxchg,
  atomic64_dec_and_test, atomic_long_inc, atomic_long_read, atomic_long_fetch_add, atomic_long_xchg } from 'smpsim';`;

function twoCpus(name: string, state: string, body: (cpu: number) => string, check: string): string {
  return scenarioFile(
    name,
    `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { ${state} },
  tasks: [
    { cpu: 0, run: function first(s) { ${body(0)} } },
    { cpu: 1, run: function second(s) { ${body(1)} } },
  ],
  check: (s) => ${check},
});
`,
  );
}

/** A counter under a bit lock on bit 0 of `flags`, released with `unlock`. */
const bitLock = (unlock: string) => () =>
  `while (test_and_set_bit_lock(0, s.flags)) {}
   s.count.value++;
   ${unlock}(0, s.flags);`;

describe('bit operations', () => {
  it('a bit lock (test_and_set_bit_lock / clear_bit_unlock) around a plain counter: clean over 1,000 trials', async () => {
    const p = twoCpus(
      'bit-lock',
      'flags: shared(0), count: shared(0)',
      bitLock('clear_bit_unlock'),
      's.count.value === 2 && s.flags.value === 0 || `count=${s.count.value} flags=${s.flags.value}`',
    );
    expect((await explore(p, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });

  it('the same lock dropped with clear_bit (no release ordering): the counter accesses race', async () => {
    const p = twoCpus('bit-unlock-unordered', 'flags: shared(0), count: shared(0)', bitLock('clear_bit'), 'true');
    const r = await explore(p, { trials: 1000, seed: 1 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['data-race', 'BUG: KCSAN: data-race in first / second'],
    ]);
    expect(r.findings[0]!.report).toContain('to count of 4 bytes');
  });

  it('set_bit/clear_bit/change_bit/test_bit on one word from two CPUs lose nothing; test_and_set_bit runs init once', async () => {
    const p = twoCpus(
      'bits-atomic',
      'flags: shared(0), once: shared(0), inits: atomic(0), seen: shared(0)',
      (cpu) => `set_bit(${cpu + 1}, s.flags); change_bit(${cpu + 3}, s.flags); change_bit(${cpu + 3}, s.flags);
        set_bit(${cpu + 5}, s.flags); clear_bit(${cpu + 5}, s.flags);
        if (!test_and_set_bit(0, s.once)) s.seen.value = ${cpu + 1};
        if (test_bit(${cpu + 1}, s.flags) && test_and_clear_bit(${cpu + 1}, s.flags)) set_bit(${cpu + 10}, s.flags);
        test_and_change_bit(20, s.flags);`,
      's.flags.value === ((1 << 10) | (1 << 11)) && s.once.value === 1 && s.seen.value > 0 || `flags=${s.flags.value.toString(2)} once=${s.once.value}`',
    );
    expect((await explore(p, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });

  it('__set_bit (non-atomic) on a word another CPU updates: a data race, and updates lost', async () => {
    const p = twoCpus(
      'bits-nonatomic',
      'flags: shared(0)',
      (cpu) => `__set_bit(${cpu}, s.flags);`,
      's.flags.value === 3 || `lost update: flags=${s.flags.value}`',
    );
    const r = await explore(p, { trials: 300, seed: 1 });
    expect(r.findings.map((f) => f.kind).sort()).toEqual(['assertion', 'data-race']);
    expect(r.findings.find((f) => f.kind === 'assertion')!.title).toBe('check failed: lost update: flags=1');
    expect(r.findings.find((f) => f.kind === 'data-race')!.title).toBe('BUG: KCSAN: data-race in first / second');
  });
});

describe('xchg / cmpxchg on a shared int', () => {
  it('a cmpxchg loop and an xchg hand-off from two CPUs: clean over 1,000 trials', async () => {
    const p = twoCpus(
      'cmpxchg-loop',
      'count: shared(0), owner: shared(0)',
      (cpu) => `for (;;) { const old = READ_ONCE(s.count);
          if (cmpxchg(s.count, old, old + 1) === old) break; }
        xchg(s.owner, ${cpu + 1});`,
      's.count.value === 2 && s.owner.value > 0 || `count=${s.count.value}`',
    );
    expect((await explore(p, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });

  it('a plain store racing with xchg on the same int: data-race (the plain side is what KCSAN blames)', async () => {
    const p = twoCpus(
      'xchg-vs-plain',
      'x: shared(0)',
      (cpu) => (cpu === 0 ? 'xchg(s.x, 1);' : 's.x.value = 2;'),
      'true',
    );
    const r = await explore(p, { trials: 300, seed: 1 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['data-race', 'BUG: KCSAN: data-race in first / second'],
    ]);
    expect(r.findings[0]!.report).toMatch(/write \(marked\) to x of 4 bytes/);
  });
});

describe('atomic64_t and atomic_long_t', () => {
  it('64-bit values past 2^32, exact to 2^53 - 1, updated from two CPUs: clean over 1,000 trials', async () => {
    const p = twoCpus(
      'atomic64',
      'big: atomic64(), along: atomic_long(5), ok: shared(1)',
      (cpu) =>
        cpu === 0
          ? `atomic64_cmpxchg(s.big, 0, 2 ** 40); atomic64_inc(s.big); atomic_long_inc(s.along);
             if (atomic_long_xchg(s.along, 2 ** 53 - 2) < 0) s.ok.value = 0;`
          : `atomic64_add_return(2 ** 33, s.big); if (atomic64_dec_and_test(s.big)) s.ok.value = 0;
             atomic_long_fetch_add(1, s.along);`,
      `(atomic64_read(s.big) === 2 ** 40 + 2 ** 33 || atomic64_read(s.big) === 2 ** 33) &&
        [2 ** 53 - 2, 2 ** 53 - 1].includes(atomic_long_read(s.along)) && s.ok.value === 1 ||
        \`big=\${atomic64_read(s.big)} along=\${atomic_long_read(s.along)}\``,
    );
    expect((await explore(p, { trials: 1000, seed: 1 })).findings).toEqual([]);
  });
});

describe('wrong kinds are usage errors (exit 2, one line)', () => {
  const usage = (name: string, state: string, call: string): { status: number | null; lines: string[]; p: string } => {
    const p = scenarioFile(
      name,
      `${IMPORTS}
export default scenario({ cpus: 1, state: { ${state} }, tasks: [{ cpu: 0, run: (s: any) => { ${call}; } }] });
`,
    );
    const r = cli(['run', p, '--trials', '5']);
    return { status: r.status, lines: r.stderr.trim().split('\n'), p };
  };

  it('atomic64_inc on an atomic_t, set_bit on an atomic_t, xchg on an atomic64_t', () => {
    for (const [state, call, line] of [
      ['v: atomic(0)', 'atomic64_inc(s.v)', '"v" is an atomic, expected an atomic64'],
      ['v: atomic(0)', 'set_bit(1, s.v)', '"v" is an atomic, expected a shared'],
      ['v: atomic(0)', 'atomic_long_inc(s.v)', '"v" is an atomic, expected an atomic64'],
      ['v: atomic64(0)', 'xchg(s.v, 1)', '"v" is an atomic64, expected a shared'],
    ] as const) {
      const r = usage('bits-usage', state, call);
      expect(r.status).toBe(2);
      expect(r.lines).toEqual([`smpsim: ${call.replace(/\(.*s\.v.*\)/, '(s.v)')}: ${line} (at ${siteOf(r.p, call)})`]);
    }
  }, 120_000);
});
