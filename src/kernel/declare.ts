/**
 * Scenario declarations: `scenario({...})` and the state declarators. Each declared lock is its
 * own lockdep class, named by its state key; `spinlocks(n)` makes n instances of one class
 * (like spin_lock_init in a loop).
 */
import type { ObjectDecl, ObjectKind, ScenarioDef, ScenarioModule } from '../machine/declarations.ts';

export function decl(kind: ObjectKind, init: number, count: number, array: boolean): ObjectDecl {
  if (!Number.isInteger(count) || count < 1) throw new Error(`${kind}s(n): n must be a positive integer`);
  return { __smpsim: 'decl', kind, init: init | 0, count, array };
}

export const spinlock = (): ObjectDecl => decl('spinlock', 0, 1, false);
export const spinlocks = (n: number): ObjectDecl => decl('spinlock', 0, n, true);
export const rwlock = (): ObjectDecl => decl('rwlock', 0, 1, false);
export const rwlocks = (n: number): ObjectDecl => decl('rwlock', 0, n, true);
export const atomic = (v = 0): ObjectDecl => decl('atomic', v, 1, false);
export const atomics = (n: number, v = 0): ObjectDecl => decl('atomic', v, n, true);
/** A plain int in shared memory: `.value` reads and writes are separate scheduling points. */
export const shared = (v = 0): ObjectDecl => decl('shared', v, 1, false);
export const shareds = (n: number, v = 0): ObjectDecl => decl('shared', v, n, true);

export const MAX_CPUS = 64;

export function scenario(def: ScenarioDef): ScenarioModule {
  if (!Number.isInteger(def.cpus) || def.cpus < 1 || def.cpus > MAX_CPUS) {
    throw new Error(`scenario: cpus must be an integer from 1 to ${MAX_CPUS}`);
  }
  if (!Array.isArray(def.tasks)) throw new Error('scenario: tasks must be an array');
  for (const t of def.tasks) {
    if (!Number.isInteger(t.cpu) || t.cpu < 0 || t.cpu >= def.cpus) throw new Error(`scenario: task cpu ${t.cpu} is not a CPU of this machine`);
    if (typeof t.run !== 'function') throw new Error('scenario: every task needs a run(state) function');
  }
  for (const i of def.irqs ?? []) {
    for (const c of i.cpus ?? []) if (c < 0 || c >= def.cpus) throw new Error(`scenario: irq ${i.irq} targets cpu ${c}, not a CPU of this machine`);
  }
  return { __smpsim: 'scenario', def };
}
