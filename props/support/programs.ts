/**
 * Generated scenarios for the properties: fast-check draws a program as data, these functions
 * write it out as a scenario module (inside the project, so `from 'smpsim'` resolves).
 */
import fc from 'fast-check';
import { scenarioFile } from '../../test/helpers.ts';

// ------------------------------------------------------------------ a shared counter

export type LockVariant = 'plain' | 'irq' | 'irqsave' | 'bh';

export interface CounterProgram {
  lock: 'spinlock' | 'rwlock';
  /** per CPU: increments made and the lock variant used around each */
  cpus: { incs: number; variant: LockVariant }[];
  /** an irq handler that increments under the lock too (tasks then use irq or irqsave) */
  irq: boolean;
}

export const counterProgram: fc.Arbitrary<CounterProgram> = fc
  .record({
    lock: fc.constantFrom('spinlock' as const, 'rwlock' as const),
    irq: fc.boolean(),
    cpus: fc.array(
      fc.record({
        incs: fc.integer({ min: 1, max: 2 }),
        variant: fc.constantFrom<LockVariant>('plain', 'irq', 'irqsave', 'bh'),
      }),
      { minLength: 2, maxLength: 3 },
    ),
  })
  .map((p) =>
    p.irq
      ? {
          ...p,
          cpus: p.cpus.map((c) => ({ ...c, variant: c.variant === 'irq' ? ('irq' as const) : ('irqsave' as const) })),
        }
      : p,
  );

function lockCalls(lock: CounterProgram['lock'], v: LockVariant): [string, string] {
  const p = lock === 'spinlock' ? 'spin' : 'write';
  switch (v) {
    case 'plain':
      return [`${p}_lock(s.l);`, `${p}_unlock(s.l);`];
    case 'irq':
      return [`${p}_lock_irq(s.l);`, `${p}_unlock_irq(s.l);`];
    case 'irqsave':
      return [`const f = ${p}_lock_irqsave(s.l);`, `${p}_unlock_irqrestore(s.l, f);`];
    case 'bh':
      return [`${p}_lock_bh(s.l);`, `${p}_unlock_bh(s.l);`];
  }
}

/** The program as a scenario; `locked: false` leaves out every lock call. */
export function counterScenario(p: CounterProgram, locked: boolean): string {
  const total = p.cpus.reduce((n, c) => n + c.incs, 0);
  const body = (v: LockVariant): string => {
    const [lock, unlock] = locked ? lockCalls(p.lock, v) : ['', ''];
    return `{ ${lock} s.x.value = s.x.value + 1; ${unlock} }`;
  };
  const tasks = p.cpus.map(
    (c, cpu) => `{ cpu: ${cpu}, run: (s: any) => { for (let i = 0; i < ${c.incs}; i++) ${body(c.variant)} } }`,
  );
  const irq = p.irq
    ? `irqs: [{ irq: 10, name: 'dev', cpus: [0], fires: 1, handler: (s: any) => { ${body('plain')} atomic_inc(s.fired); return IRQ_HANDLED; } }],`
    : '';
  return scenarioFile(
    locked ? 'counter-locked' : 'counter-bare',
    `import { scenario, ${p.lock}, shared, atomic, atomic_inc, atomic_read, IRQ_HANDLED,
  spin_lock, spin_unlock, spin_lock_irq, spin_unlock_irq, spin_lock_irqsave, spin_unlock_irqrestore, spin_lock_bh, spin_unlock_bh,
  write_lock, write_unlock, write_lock_irq, write_unlock_irq, write_lock_irqsave, write_unlock_irqrestore, write_lock_bh, write_unlock_bh } from 'smpsim';
void [spin_lock, spin_unlock, spin_lock_irq, spin_unlock_irq, spin_lock_irqsave, spin_unlock_irqrestore, spin_lock_bh, spin_unlock_bh,
  write_lock, write_unlock, write_lock_irq, write_unlock_irq, write_lock_irqsave, write_unlock_irqrestore, write_lock_bh, write_unlock_bh, atomic_inc, IRQ_HANDLED];
export default scenario({
  cpus: ${p.cpus.length},
  state: { l: ${p.lock}(), x: shared(0), fired: atomic(0) },
  tasks: [${tasks.join(',\n    ')}],
  ${irq}
  check: (s: any) => s.x.value === ${total} + atomic_read(s.fired) || \`lost update: x=\${s.x.value}\`,
});
`,
  );
}

// ------------------------------------------------------------------ lock-order programs

export type Acquire = { lock: number; mode: 'plain' | 'irqsave' | 'try' };
/** A critical section: locks taken in this order, released in reverse. */
export type Section = Acquire[];
export interface LockProgram {
  locks: number;
  /** per CPU, its sections one after another */
  cpus: Section[][];
}

function section(locks: number, modes: Acquire['mode'][]): fc.Arbitrary<Section> {
  return fc
    .uniqueArray(fc.nat({ max: locks - 1 }), { minLength: 1, maxLength: Math.min(3, locks) })
    .chain((ls) => fc.tuple(...ls.map((lock) => fc.constantFrom(...modes).map((mode) => ({ lock, mode })))));
}

export function lockProgram(modes: Acquire['mode'][], maxCpus = 3, locks = 3): fc.Arbitrary<LockProgram> {
  return fc.record({
    locks: fc.constant(locks),
    cpus: fc.array(fc.array(section(locks, modes), { minLength: 1, maxLength: 2 }), {
      minLength: 2,
      maxLength: maxCpus,
    }),
  });
}

function sectionCode(sec: Section): string {
  const take = sec.map((a, i) => {
    const l = `s.l${a.lock}`;
    if (a.mode === 'try') return `const t${i} = spin_trylock(${l});`;
    if (a.mode === 'irqsave') return `const f${i} = spin_lock_irqsave(${l});`;
    return `spin_lock(${l});`;
  });
  const drop = sec
    .map((a, i) => {
      const l = `s.l${a.lock}`;
      if (a.mode === 'try') return `if (t${i}) spin_unlock(${l});`;
      if (a.mode === 'irqsave') return `spin_unlock_irqrestore(${l}, f${i});`;
      return `spin_unlock(${l});`;
    })
    .reverse();
  return `{ ${[...take, ...drop].join(' ')} }`;
}

/** The lock program as a scenario; `irq` adds a handler on CPU0 that takes lock 0. */
export function lockScenario(p: LockProgram, irq = false): string {
  const state = Array.from({ length: p.locks }, (_, i) => `l${i}: spinlock()`).join(', ');
  const tasks = p.cpus.map((secs, cpu) => `{ cpu: ${cpu}, run: (s: any) => { ${secs.map(sectionCode).join(' ')} } }`);
  return scenarioFile(
    'locks',
    `import { scenario, spinlock, spin_lock, spin_unlock, spin_trylock, spin_lock_irqsave, spin_unlock_irqrestore, IRQ_HANDLED } from 'smpsim';
void [spin_trylock, spin_lock_irqsave, spin_unlock_irqrestore, IRQ_HANDLED];
export default scenario({
  cpus: ${p.cpus.length},
  state: { ${state} },
  tasks: [${tasks.join(',\n    ')}],
  ${irq ? `irqs: [{ irq: 11, name: 'dev', cpus: [0], fires: 1, handler: (s: any) => { spin_lock(s.l0); spin_unlock(s.l0); return IRQ_HANDLED; } }],` : ''}
});
`,
  );
}
