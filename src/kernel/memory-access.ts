/**
 * Loads and stores of shared ints and atomic_t under the scenario's memory model. Under 'sc'
 * (the default) each is one access to the value word, as before; under 'tso' and 'weak' a
 * store goes into the CPU's store buffer and a load may be forwarded from it or (weak) return
 * an older visible store, through the machine's door (machine/weak-memory.ts).
 *
 * Each function makes the operation's scheduling point itself, with the footprint DPOR needs:
 * a buffered store touches only its own CPU (it becomes visible in a flush step of its own);
 * anything that drains the buffer, or reads and publishes the global view (smp_mb and the
 * full-barrier atomics), touches everything.
 */
import { Access } from '../sched/footprint.ts';
import { Op } from '../machine/events.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { SB_CAP } from '../machine/memory-region.ts';
import { drainInSteps, makeRoom } from '../machine/memory-steps.ts';
import { ReadFrom, type WeakMemory } from '../machine/weak-memory.ts';

/** Where a read's value came from, for its event's B word: ReadFrom | (CPU + 1) << 2. */
export function readFrom(kind: number, cpu: number): number {
  return kind | ((cpu + 1) << 2);
}

/** Where the last load() got its value (readFrom()), for its event's B word; 0 under 'sc'. */
export let lastReadFrom = 0;

/**
 * The value of a load of object `id` (value word `at`) whose point was made; `acquire`:
 * smp_load_acquire, rcu_dereference. Under 'sc' one Atomics load, nothing allocated.
 */
export function load(rt: CpuRuntime, id: number, at: number, acquire: boolean): number {
  const mem = rt.memory;
  lastReadFrom = 0;
  if (!mem) return rt.cells.load(at);
  const c = rt.cpu;
  const i = mem.forwarded(c, id);
  if (i >= 0) {
    lastReadFrom = readFrom(ReadFrom.OWN_BUFFER, c);
    return mem.entryValue(c, i);
  }
  const k = mem.choices(c, id);
  const back = k > 1 ? rt.chooseValue(k) : 0;
  const g = mem.read(c, id, back, acquire);
  const pending = back > 0 ? -1 : bufferedElsewhere(mem, c, id);
  if (back > 0) lastReadFrom = readFrom(ReadFrom.STALE, mem.newestWriter(id));
  else if (pending >= 0) lastReadFrom = readFrom(ReadFrom.PENDING, pending);
  return mem.msgValue(g);
}

/** The scheduling point of a store to `id`. */
export function storePoint(rt: CpuRuntime, id: number): void {
  if (!rt.memory) {
    rt.point(id, Access.WRITE);
    return;
  }
  // a store into a full buffer drains its oldest first; the store itself touches only its CPU
  makeRoom(rt, SB_CAP);
  rt.point(id, Access.NONE);
}

/** A store whose point was made; returns the value memory held (for the event). */
export function store(rt: CpuRuntime, id: number, at: number, v: number, release: boolean): number {
  const mem = rt.memory;
  if (!mem) return rt.cells.exchange(at, v);
  const old = rt.cells.load(at);
  mem.store(rt.cpu, id, v, release);
  return old;
}

/**
 * The point of a read-modify-write of `id`: under a weak model the CPU's buffer drains first,
 * and a fully ordered one is an smp_mb() on each side.
 */
export function rmwPoint(rt: CpuRuntime, id: number, ordered: boolean, access: number = Access.WRITE): void {
  if (!rt.memory) {
    rt.point(id, access);
    return;
  }
  drainInSteps(rt);
  // an ordered one also reads and publishes the global view: two objects
  if (ordered) rt.point(-1, Access.ANY);
  else rt.point(id, access);
}

/** Before the RMW itself (its point made): drain, and the leading barrier of an ordered one. */
export function rmwBegin(rt: CpuRuntime, id: number, ordered: boolean): void {
  const mem = rt.memory;
  if (!mem) return;
  if (ordered) mem.mb(rt.cpu);
  else mem.drainAll(rt.cpu);
  mem.read(rt.cpu, id, 0, true);
}

/** After the RMW wrote `now` (or only read, when `now` is undefined): the message, the trailing barrier. */
export function rmwEnd(rt: CpuRuntime, id: number, now: number | undefined, ordered: boolean): void {
  const mem = rt.memory;
  if (!mem) return;
  if (now !== undefined) mem.rmw(rt.cpu, id, now, ordered);
  if (ordered) mem.mb(rt.cpu);
}

/** A CPU other than c with a store to l still in its buffer, or -1. */
function bufferedElsewhere(mem: WeakMemory, c: number, l: number): number {
  for (let d = 0; d < mem.R.ncpus; d++) if (d !== c && mem.forwarded(d, l) >= 0) return d;
  return -1;
}

/**
 * spin_is_locked() under a weak model: the lock's locked/unlocked history is a location too,
 * so a CPU may see it unlocked after seeing a store made inside the critical section. Under
 * 'sc', undefined: the caller reads the lock word.
 */
export function lockStateSeen(rt: CpuRuntime, id: number): boolean | undefined {
  const mem = rt.memory;
  if (!mem || id >= mem.R.nlocs) return undefined;
  const k = mem.choices(rt.cpu, id);
  const back = k > 1 ? rt.chooseValue(k) : 0;
  return mem.msgValue(mem.read(rt.cpu, id, back, false)) !== 0;
}

/** A marked store that orders nothing (WRITE_ONCE, RCU_INIT_POINTER): its scheduling point, the store, its event. */
export function markedStore(rt: CpuRuntime, id: number, at: number, v: number, fn: number): void {
  storePoint(rt, id);
  const old = store(rt, id, at, v, false);
  rt.emit(Op.MEM_WRITE_ONCE, id, v | 0, old, fn);
}
