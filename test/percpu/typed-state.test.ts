/**
 * The typed scenario API: scenario() infers the state's type from `state`, so tasks, handlers
 * and check() receive typed handles, and a kernel call on the wrong kind does not compile.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import { typeErrors } from '../support/typecheck.ts';
import {
  atomic,
  atomic_inc,
  down,
  mutex,
  mutex_lock,
  read_lock,
  rwlock,
  scenario,
  semaphore,
  shared,
  spin_lock,
  spinlock,
  spinlocks,
  type Atomic,
  type Mutex,
  type Semaphore,
  type Shared,
  type Spinlock,
} from '../../src/kernel/index.ts';

describe('typed scenario state', () => {
  it('gives each declaration its handle type in tasks, irq handlers and check()', () => {
    scenario({
      cpus: 1,
      state: {
        lock: spinlock(),
        locks: spinlocks(2),
        m: mutex(),
        sem: semaphore(1),
        n: atomic(0),
        hits: shared(0),
        rw: rwlock(),
        limit: 3,
      },
      tasks: [
        {
          cpu: 0,
          run: (s) => {
            expectTypeOf(s.lock).toEqualTypeOf<Spinlock>();
            expectTypeOf(s.locks).toEqualTypeOf<Spinlock[]>();
            expectTypeOf(s.m).toEqualTypeOf<Mutex>();
            expectTypeOf(s.sem).toEqualTypeOf<Semaphore>();
            expectTypeOf(s.n).toEqualTypeOf<Atomic>();
            expectTypeOf(s.hits).toEqualTypeOf<Shared>();
            expectTypeOf(s.limit).toEqualTypeOf<number>();
          },
        },
      ],
      irqs: [{ irq: 1, handler: (s) => expectTypeOf(s.sem).toEqualTypeOf<Semaphore>() }],
      check: (s) => expectTypeOf(s.hits).toEqualTypeOf<Shared>(),
    });
  });

  it('rejects a kernel call on the wrong kind of object, and an unknown field', () => {
    scenario({
      cpus: 1,
      state: { lock: spinlock(), m: mutex(), sem: semaphore(1), hits: shared(0) },
      tasks: [
        {
          cpu: 0,
          run: (s) => {
            // @ts-expect-error spin_lock takes a Spinlock, not a Semaphore
            spin_lock(s.sem);
            // @ts-expect-error read_lock takes an RwLock, not a Spinlock
            read_lock(s.lock);
            // @ts-expect-error atomic_inc takes an Atomic, not a Shared
            atomic_inc(s.hits);
            // @ts-expect-error mutex_lock takes a Mutex, not a Spinlock
            mutex_lock(s.lock);
            // @ts-expect-error down takes a Semaphore, not a Mutex
            down(s.m);
            // @ts-expect-error the state has no key "lokc"
            spin_lock(s.lokc);
          },
        },
      ],
    });
    // @ts-expect-error `irq` is not a field of scenario({...}) (it is `irqs`)
    expect(() => scenario({ cpus: 1, tasks: [], irq: [] })).toThrow('scenario: unknown field "irq"');
  });

  it('tsc rejects a scenario that takes a semaphore with spin_lock', () => {
    const errors = typeErrors(
      [
        "import { scenario, semaphore, spin_lock } from 'smpsim';",
        'export default scenario({ cpus: 1, state: { sem: semaphore(1) }, tasks: [{ cpu: 0, run: (s) => spin_lock(s.sem) }] });',
        '',
      ].join('\n'),
    );
    expect(errors.join('\n')).toMatch(/Argument of type 'Semaphore' is not assignable to parameter of type 'Spinlock'/);
  }, 60_000);
});
