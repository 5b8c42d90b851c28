/**
 * Scenario declarations: `scenario({...})` and the state declarators. Each declared lock is its
 * own lockdep class, named by its state key; `spinlocks(n)` makes n instances of one class
 * (like spin_lock_init in a loop).
 */
import { MEMORY_MODELS } from '../machine/memory-region.ts';
import {
  SCENARIO_FIELDS,
  taskCpus,
  type Bound,
  type ObjectDecl,
  type ObjectKind,
  type ScenarioDef,
  type ScenarioModule,
} from '../machine/declarations.ts';
import type { Atomic, RwLock, Shared, Spinlock } from './objects.ts';
import type { Atomic64, AtomicLong } from './atomic64.ts';
import type { Seqcount, Seqlock } from './seqlock.ts';

/** A declaration whose handle type is `H` (the caller names it: the kind decides it). */
export function decl<H>(kind: ObjectKind, init: number, count: number, array: boolean): ObjectDecl<H> {
  if (!Number.isInteger(count) || count < 1) throw new Error(`${kind}s(n): n must be a positive integer`);
  return { __smpsim: 'decl', kind, init: init | 0, count, array };
}

export const spinlock = (): ObjectDecl<Spinlock> => decl('spinlock', 0, 1, false);
export const spinlocks = (n: number): ObjectDecl<Spinlock[]> => decl('spinlock', 0, n, true);
export const rwlock = (): ObjectDecl<RwLock> => decl('rwlock', 0, 1, false);
export const rwlocks = (n: number): ObjectDecl<RwLock[]> => decl('rwlock', 0, n, true);
export const atomic = (v = 0): ObjectDecl<Atomic> => decl('atomic', v, 1, false);
export const atomics = (n: number, v = 0): ObjectDecl<Atomic[]> => decl('atomic', v, n, true);
/** A plain int in shared memory: `.value` reads and writes are separate scheduling points. */
export const shared = (v = 0): ObjectDecl<Shared> => decl('shared', v, 1, false);
export const shareds = (n: number, v = 0): ObjectDecl<Shared[]> => decl('shared', v, n, true);

/** ATOMIC64_INIT(v) / ATOMIC_LONG_INIT(v): a 64-bit atomic, declared with a 32-bit initial value. */
export const atomic64 = (v = 0): ObjectDecl<Atomic64> => decl('atomic64', v, 1, false);
export const atomic_long = (v = 0): ObjectDecl<AtomicLong> => decl('atomic64', v, 1, false);

/** DEFINE_SEQLOCK: a sequence count and the spinlock its writers take. */
export const seqlock = (): ObjectDecl<Seqlock> => decl('seqlock', 0, 1, false);
/** SEQCNT_ZERO: a sequence count whose writers serialise with a lock of their own. */
export const seqcount = (): ObjectDecl<Seqcount> => decl('seqcount', 0, 1, false);

export const MAX_CPUS = 64;

/**
 * The state's type is inferred from `state`: tasks, handlers and check() receive each
 * declaration as its typed handle, so `spin_lock(s.sem)` does not compile.
 */
export function scenario<S extends Record<string, unknown> = Record<string, unknown>>(
  def: ScenarioDef<Bound<S>> & { state?: S },
): ScenarioModule {
  for (const key of Object.keys(def)) {
    if (!SCENARIO_FIELDS.includes(key))
      throw new Error(`scenario: unknown field "${key}" (known: ${SCENARIO_FIELDS.join(', ')})`);
  }
  if (!Number.isInteger(def.cpus) || def.cpus < 1 || def.cpus > MAX_CPUS) {
    throw new Error(`scenario: cpus must be an integer from 1 to ${MAX_CPUS}`);
  }
  if (!Array.isArray(def.tasks)) throw new Error('scenario: tasks must be an array');
  if (def.memory !== undefined && !MEMORY_MODELS.includes(def.memory))
    throw new Error(
      `scenario: memory must be ${MEMORY_MODELS.map((m) => `'${m}'`).join(', ')}, got '${String(def.memory)}'`,
    );
  for (const t of def.tasks) {
    if (t.cpu !== undefined && t.cpus !== undefined)
      throw new Error('scenario: a task has cpu (pinned) or cpus (its affinity), not both');
    if (t.cpus !== undefined && (!Array.isArray(t.cpus) || t.cpus.length === 0))
      throw new Error('scenario: task cpus must be a non-empty array of CPUs');
    for (const c of taskCpus(t, def.cpus)) {
      if (!Number.isInteger(c) || c < 0 || c >= def.cpus)
        throw new Error(`scenario: task cpu ${c} is not a CPU of this machine`);
    }
    if (typeof t.run !== 'function') throw new Error('scenario: every task needs a run(state) function');
    if (t.migrations !== undefined && (!Number.isInteger(t.migrations) || t.migrations < 0 || t.migrations > 8))
      throw new Error('scenario: task migrations must be an integer from 0 to 8');
  }
  for (const i of def.irqs ?? []) {
    for (const c of i.cpus ?? [])
      if (c < 0 || c >= def.cpus) throw new Error(`scenario: irq ${i.irq} targets cpu ${c}, not a CPU of this machine`);
  }
  for (const [name, fn] of Object.entries(def.kthreads ?? {}))
    if (typeof fn !== 'function') throw new Error(`scenario: kthreads.${name} must be the thread's function`);
  return { __smpsim: 'scenario', def };
}
