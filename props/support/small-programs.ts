/**
 * Small concurrent programs for the DPOR properties: 2–3 CPUs, 2–4 operations each, over one
 * or two shared cells (READ_ONCE/WRITE_ONCE), atomics and spinlocks, with or without one irq
 * line. Each program is written out as a scenario whose check() appends the final state (the
 * cells, the atomics, and what each CPU read) to a file, so a test can collect the set of
 * final states a strategy reached.
 */
import fc from 'fast-check';
import { join } from 'node:path';
import { scenarioFile, ROOT } from '../../test/helpers.ts';

export type SmallOp =
  | { k: 'read'; cell: number }
  | { k: 'write'; cell: number; v: number }
  | { k: 'inc'; atomic: number }
  | { k: 'xchg'; atomic: number; v: number }
  | { k: 'locked'; locks: readonly number[]; inner: SmallOp };

export interface SmallProgram {
  cells: number;
  cpus: SmallOp[][];
  /** one irq line on CPU 0, firing once, whose handler does this */
  irq?: SmallOp;
}

const cell = (cells: number) => fc.nat({ max: cells - 1 });

function simpleOp(cells: number): fc.Arbitrary<SmallOp> {
  return fc.oneof(
    fc.record({ k: fc.constant('read' as const), cell: cell(cells) }),
    fc.record({ k: fc.constant('write' as const), cell: cell(cells), v: fc.integer({ min: 1, max: 2 }) }),
    fc.record({ k: fc.constant('inc' as const), atomic: cell(cells) }),
    fc.record({ k: fc.constant('xchg' as const), atomic: cell(cells), v: fc.integer({ min: 0, max: 1 }) }),
  );
}

function op(cells: number): fc.Arbitrary<SmallOp> {
  const locks = fc.oneof(fc.constant([0]), fc.constant([1]), fc.constant([0, 1]), fc.constant([1, 0]));
  return fc.oneof(
    { weight: 3, arbitrary: simpleOp(cells) },
    { weight: 1, arbitrary: fc.record({ k: fc.constant('locked' as const), locks, inner: simpleOp(cells) }) },
  );
}

/** Programs small enough that every interleaving can be enumerated. */
export const smallProgram: fc.Arbitrary<SmallProgram> = fc.integer({ min: 1, max: 2 }).chain((cells) =>
  fc.oneof(
    fc.record({
      cells: fc.constant(cells),
      cpus: fc.array(fc.array(op(cells), { minLength: 2, maxLength: 3 }), { minLength: 2, maxLength: 2 }),
    }),
    fc.record({
      cells: fc.constant(cells),
      cpus: fc.array(fc.array(simpleOp(cells), { minLength: 2, maxLength: 2 }), { minLength: 3, maxLength: 3 }),
    }),
    fc.record({
      cells: fc.constant(cells),
      cpus: fc.array(fc.array(simpleOp(cells), { minLength: 2, maxLength: 2 }), { minLength: 2, maxLength: 2 }),
      irq: simpleOp(cells),
    }),
  ),
);

function code(o: SmallOp): string {
  switch (o.k) {
    case 'read':
      return `r = r * 3 + READ_ONCE(s.c${o.cell});`;
    case 'write':
      return `WRITE_ONCE(s.c${o.cell}, ${o.v});`;
    case 'inc':
      return `atomic_inc(s.a${o.atomic});`;
    case 'xchg':
      return `r = r * 3 + atomic_xchg(s.a${o.atomic}, ${o.v});`;
    case 'locked':
      return `{ ${o.locks.map((l) => `spin_lock(s.l${l});`).join(' ')} ${code(o.inner)} ${[...o.locks]
        .reverse()
        .map((l) => `spin_unlock(s.l${l});`)
        .join(' ')} }`;
  }
}

/** Whether the op's code reads into r. */
const reads = (o: SmallOp): boolean => o.k === 'read' || o.k === 'xchg' || (o.k === 'locked' && reads(o.inner));

/** The scenario; each finished execution appends its final state, one JSON line, to `statesFile`. */
export function smallScenario(p: SmallProgram, statesFile: string): string {
  const cells = Array.from({ length: p.cells }, (_, i) => `c${i}: shared(0), a${i}: atomic(0)`).join(', ');
  // what a CPU read ends in its own result cell: one more step, on a cell no one else touches
  const tasks = p.cpus.map((ops, c) => {
    const save = ops.some(reads) ? `WRITE_ONCE(s.r${c}, r);` : '';
    return `{ cpu: ${c}, run: (s: any) => { let r = 0; ${ops.map(code).join(' ')} ${save} void r; } }`;
  });
  const results = p.cpus.map((_, c) => `r${c}: shared(0)`).join(', ');
  const irq = p.irq
    ? `irqs: [{ irq: 10, name: 'dev', cpus: [0], fires: 1, handler: (s: any) => { let r = 0; ${code(p.irq)} ${reads(p.irq) ? 'WRITE_ONCE(s.ir, r);' : ''} void r; return IRQ_HANDLED; } }],`
    : '';
  const state = [
    ...Array.from({ length: p.cells }, (_, i) => `s.c${i}.value, atomic_read(s.a${i})`),
    ...p.cpus.map((_, c) => `s.r${c}.value`),
    's.ir.value',
  ].join(', ');
  return scenarioFile(
    'dpor-small',
    `import { appendFileSync } from 'node:fs';
import { scenario, shared, atomic, spinlock, READ_ONCE, WRITE_ONCE, atomic_inc, atomic_xchg, atomic_read,
  spin_lock, spin_unlock, IRQ_HANDLED } from 'smpsim';
void [READ_ONCE, WRITE_ONCE, atomic_inc, atomic_xchg, spin_lock, spin_unlock, IRQ_HANDLED];
export default scenario({
  cpus: ${p.cpus.length},
  state: { ${cells}, ${results}, ir: shared(0), l0: spinlock(), l1: spinlock() },
  tasks: [${tasks.join(',\n    ')}],
  ${irq}
  check: (s: any) => { appendFileSync(${JSON.stringify(statesFile)}, JSON.stringify([${state}]) + '\\n'); return true; },
});
`,
  );
}

/** A fresh file for a strategy's final states. */
let files = 0;
export function statesFile(tag: string): string {
  return join(ROOT, 'test', '.tmp', `states-${tag}-${process.pid}-${files++}.jsonl`);
}
