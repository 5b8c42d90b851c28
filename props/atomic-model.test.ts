/**
 * atomic_t against a sequential model: generated sequences of atomic ops from several CPUs
 * end, under every schedule tried, in a state (final values and every op's return value) that
 * some sequential order of the same ops, each CPU's in program order, produces.
 */
import { afterAll, describe, expect } from 'vitest';
import { it, fc } from '@fast-check/vitest';
import { explore, shutdown } from '../src/index.ts';
import { scenarioFile } from '../test/helpers.ts';

afterAll(() => shutdown());

type AtomicOp =
  | { op: 'inc' | 'dec' | 'inc_not_zero' | 'dec_and_test' | 'inc_return'; v: number }
  | { op: 'add' | 'sub' | 'xchg' | 'set' | 'fetch_add' | 'add_return'; v: number; k: number }
  | { op: 'cmpxchg'; v: number; old: number; k: number }
  | { op: 'add_unless'; v: number; k: number; u: number };

const small = fc.integer({ min: -1, max: 2 });
const atomicOp: fc.Arbitrary<AtomicOp> = fc.oneof(
  fc.record({
    op: fc.constantFrom(
      'inc' as const,
      'dec' as const,
      'inc_not_zero' as const,
      'dec_and_test' as const,
      'inc_return' as const,
    ),
    v: fc.nat({ max: 1 }),
  }),
  fc.record({
    op: fc.constantFrom(
      'add' as const,
      'sub' as const,
      'xchg' as const,
      'set' as const,
      'fetch_add' as const,
      'add_return' as const,
    ),
    v: fc.nat({ max: 1 }),
    k: small,
  }),
  fc.record({ op: fc.constant('cmpxchg' as const), v: fc.nat({ max: 1 }), old: small, k: small }),
  fc.record({ op: fc.constant('add_unless' as const), v: fc.nat({ max: 1 }), k: small, u: small }),
);

interface AtomicProgram {
  init: [number, number];
  cpus: AtomicOp[][];
}

const atomicProgram: fc.Arbitrary<AtomicProgram> = fc.record({
  init: fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 2 })),
  cpus: fc.array(fc.array(atomicOp, { minLength: 1, maxLength: 3 }), { minLength: 2, maxLength: 3 }),
});

/** The model: one op on plain numbers; returns its result (booleans as 0/1, none as 0). */
function apply(vals: number[], o: AtomicOp): number {
  const x = vals[o.v]!;
  const set = (n: number): void => void (vals[o.v] = n);
  switch (o.op) {
    case 'inc':
      return (set(x + 1), 0);
    case 'dec':
      return (set(x - 1), 0);
    case 'inc_return':
      return (set(x + 1), x + 1);
    case 'dec_and_test':
      return (set(x - 1), x - 1 === 0 ? 1 : 0);
    case 'inc_not_zero':
      return x === 0 ? 0 : (set(x + 1), 1);
    case 'add':
      return (set(x + o.k), 0);
    case 'sub':
      return (set(x - o.k), 0);
    case 'set':
      return (set(o.k), 0);
    case 'xchg':
      return (set(o.k), x);
    case 'fetch_add':
      return (set(x + o.k), x);
    case 'add_return':
      return (set(x + o.k), x + o.k);
    case 'cmpxchg':
      return x === o.old ? (set(o.k), x) : x;
    case 'add_unless':
      return x === o.u ? 0 : (set(x + o.k), 1);
  }
}

/** Every outcome of every sequential order that keeps each CPU's program order. */
function sequentialOutcomes(p: AtomicProgram): Set<string> {
  const out = new Set<string>();
  const rets = p.cpus.map((ops) => new Array<number>(ops.length).fill(0));
  const walk = (pos: number[], vals: number[]): void => {
    let any = false;
    p.cpus.forEach((ops, c) => {
      if (pos[c]! >= ops.length) return;
      any = true;
      const v = [...vals];
      rets[c]![pos[c]!] = apply(v, ops[pos[c]!]!);
      walk(
        pos.map((n, i) => (i === c ? n + 1 : n)),
        v,
      );
    });
    if (!any) out.add(JSON.stringify([vals, rets]));
  };
  walk(
    p.cpus.map(() => 0),
    [...p.init],
  );
  return out;
}

function call(o: AtomicOp): string {
  const v = `s.a${o.v}`;
  switch (o.op) {
    case 'inc':
    case 'dec':
      return `(atomic_${o.op}(${v}), 0)`;
    case 'inc_return':
      return `atomic_inc_return(${v})`;
    case 'dec_and_test':
    case 'inc_not_zero':
      return `(atomic_${o.op}(${v}) ? 1 : 0)`;
    case 'add':
    case 'sub':
      return `(atomic_${o.op}(${o.k}, ${v}), 0)`;
    case 'set':
      return `(atomic_set(${v}, ${o.k}), 0)`;
    case 'xchg':
      return `atomic_xchg(${v}, ${o.k})`;
    case 'fetch_add':
    case 'add_return':
      return `atomic_${o.op}(${o.k}, ${v})`;
    case 'cmpxchg':
      return `atomic_cmpxchg(${v}, ${o.old}, ${o.k})`;
    case 'add_unless':
      return `(atomic_add_unless(${v}, ${o.k}, ${o.u}) ? 1 : 0)`;
  }
}

function atomicScenario(p: AtomicProgram): string {
  const allowed = [...sequentialOutcomes(p)];
  const tasks = p.cpus.map(
    (ops, c) =>
      `{ cpu: ${c}, run: (s: any) => { ${ops.map((o, i) => `WRITE_ONCE(s.r${c}_${i}, ${call(o)});`).join(' ')} } }`,
  );
  const cells = p.cpus.flatMap((ops, c) => ops.map((_, i) => `r${c}_${i}: shared(0)`));
  const rets = p.cpus.map((ops, c) => `[${ops.map((_, i) => `s.r${c}_${i}.value`).join(', ')}]`);
  return scenarioFile(
    'atomics',
    `import { scenario, atomic, shared, atomic_read, atomic_set, atomic_inc, atomic_dec, atomic_add, atomic_sub, atomic_inc_return,
  atomic_dec_and_test, atomic_inc_not_zero, atomic_xchg, atomic_fetch_add, atomic_add_return, atomic_cmpxchg, atomic_add_unless, WRITE_ONCE } from 'smpsim';
void [atomic_set, atomic_inc, atomic_dec, atomic_add, atomic_sub, atomic_inc_return, atomic_dec_and_test, atomic_inc_not_zero, atomic_xchg,
  atomic_fetch_add, atomic_add_return, atomic_cmpxchg, atomic_add_unless];
const allowed = new Set<string>(${JSON.stringify(allowed)});
export default scenario({
  cpus: ${p.cpus.length},
  state: { a0: atomic(${p.init[0]}), a1: atomic(${p.init[1]}), ${cells.join(', ')} },
  tasks: [
    ${tasks.join(',\n    ')}],
  check: (s: any) => {
    const got = JSON.stringify([[atomic_read(s.a0), atomic_read(s.a1)], [${rets.join(', ')}]]);
    return allowed.has(got) || \`no sequential order gives \${got}\`;
  },
});
`,
  );
}

describe('atomic_t against a sequential model', () => {
  it.prop([atomicProgram], { numRuns: 12, seed: 41 })(
    'every schedule ends in a state some sequential order produces',
    async (p) => {
      const path = atomicScenario(p);
      for (const strategy of ['random', 'pct'] as const) {
        const r = await explore(path, { trials: 300, strategy, seed: 4 });
        expect(r.findings.map((f) => f.title)).toEqual([]);
      }
    },
  );
});
