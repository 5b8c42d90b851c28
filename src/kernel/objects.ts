/**
 * Bound state: what tasks receive as `s`. Each declared object becomes a small handle that
 * names its slot in the shared buffer. Handles carry plain fields (no class identity is relied
 * on), since scenario code may hold another instance of these modules.
 */
import { Access } from '../sched/footprint.ts';
import { isObjectDecl, type ScenarioDef } from '../machine/declarations.ts';
import type { Layout, ObjectInfo } from '../machine/layout.ts';
import { Op, kfn } from '../machine/events.ts';
import type { Cells } from '../machine/cells.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { accepts, kindsAccepting, objectKind, type ObjectKind } from '../machine/object-kinds.ts';
import { KernelUsageError } from '../machine/usage-error.ts';
import { maybeCpu } from './cpu.ts';
import { lastReadFrom, load, store, storePoint } from './memory-access.ts';

export interface KObject {
  /** object id in the layout */
  readonly __id: number;
  /** word offset in the shared buffer */
  readonly __at: number;
  readonly name: string;
}

/** spinlock_t and raw_spinlock_t: one kind at run time (as on !PREEMPT_RT), two types, so neither family takes the other. */
export type Spinlock = KObject & { readonly __kind: 'spinlock'; readonly __raw?: false };
export type RawSpinlock = KObject & { readonly __kind: 'spinlock'; readonly __raw?: true };
export type RwLock = KObject & { readonly __kind: 'rwlock' };
export type Atomic = KObject & { readonly __kind: 'atomic' };
/** DEFINE_PER_CPU(int, v): `__cells[c]` is CPU c's copy, what per_cpu(v, c) names. */
export type PerCpu = KObject & { readonly __kind: 'percpu'; readonly __cells: readonly Shared[] };

const FN_READ = kfn('read');
const FN_WRITE = kfn('write');

/** A plain shared int: `.value` is a read or a write of shared memory, and a race candidate. */
export class Shared implements KObject {
  readonly __kind = 'shared';
  constructor(
    readonly __id: number,
    readonly __at: number,
    readonly name: string,
    private readonly mem: Cells,
  ) {}
  get value(): number {
    const rt = maybeCpu();
    if (!rt) return this.mem.load(this.__at);
    rt.point(this.__id, Access.READ);
    if (!rt.memory) {
      const v = rt.cells.read(this.__at);
      rt.emit(Op.MEM_READ, this.__id, v, 0, FN_READ);
      return v;
    }
    const v = load(rt, this.__id, this.__at, false);
    rt.emit(Op.MEM_READ, this.__id, v, lastReadFrom, FN_READ);
    return v;
  }
  set value(v: number) {
    const rt = maybeCpu();
    if (!rt) {
      this.mem.store(this.__at, v);
      return;
    }
    if (rt.memory) storePoint(rt, this.__id);
    else rt.point(this.__id, Access.WRITE);
    const old = rt.memory ? store(rt, this.__id, this.__at, v, false) : rt.cells.write(this.__at, v);
    rt.emit(Op.MEM_WRITE, this.__id, v | 0, old, FN_WRITE);
  }
}

function handle(info: ObjectInfo, mem: Cells): KObject {
  if (info.kind === 'shared') return new Shared(info.id, info.offset, info.name, mem);
  return Object.freeze({ __id: info.id, __at: info.offset, name: info.name, __kind: info.kind, __mem: mem });
}

/** A per-CPU variable: named by its first CPU's instance, each CPU's copy a cell of its own. */
function perCpuHandle(infos: ObjectInfo[], mem: Cells): PerCpu {
  const first = infos[0]!;
  const cells = Object.freeze(infos.map((i) => new Shared(i.id, i.offset, i.name, mem)));
  return Object.freeze({ __id: first.id, __at: first.offset, name: first.key, __kind: 'percpu', __cells: cells });
}

/** What a state key the scenario did not declare reads as: any kernel call given it is a usage error. */
interface Undeclared {
  readonly __undeclared: string;
}

function undeclared(key: string): Undeclared {
  return Object.freeze({
    __undeclared: key,
    get value(): never {
      throw new KernelUsageError(`s.${key}.value: "${key}" is not declared in state`);
    },
    set value(_: number) {
      throw new KernelUsageError(`s.${key}.value: "${key}" is not declared in state`);
    },
  });
}

/** Keys that code probes on any object (promises, printing): never a scenario's state key. */
const PROBED = new Set(['then', 'toJSON', 'constructor', 'inspect', 'asymmetricMatch', '$$typeof', 'nodeType']);

/**
 * The state object tasks see: declarations bound to their slots, other values as they are. A
 * key the scenario did not declare reads as an Undeclared marker, so the kernel call given it
 * names the call and the key instead of failing on `undefined`.
 */
export function bindState(def: ScenarioDef, L: Layout, mem: Cells): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(def.state ?? {})) {
    if (!isObjectDecl(value)) {
      out[key] = value;
      continue;
    }
    const infos = L.objectsByKey.get(key)!;
    if (objectKind(value.kind).perCpu) {
      out[key] = perCpuHandle(infos, mem);
      continue;
    }
    const handles = infos.map((i) => handle(i, mem));
    out[key] = value.array ? handles : handles[0];
  }
  return new Proxy(out, {
    get: (target, key) =>
      typeof key !== 'string' || key in target || PROBED.has(key) ? Reflect.get(target, key) : undeclared(key),
  });
}

const article = (k: ObjectKind): string => (/^[aeiou]/.test(k) ? 'an' : 'a');

/** "a spinlock or a raw_spinlock": the kinds a call accepts, for its usage error */
function expected(fn: string): string {
  const kinds = kindsAccepting(fn);
  return kinds.length ? kinds.map((k) => `${article(k)} ${k}`).join(' or ') : 'a declared kernel object';
}

/** The object id of `o`, which must be an object the state declares. */
export function objId(o: KObject | undefined, fn: string): number {
  const key = (o as Partial<Undeclared> | undefined)?.__undeclared;
  if (key !== undefined)
    throw new KernelUsageError(`${fn}(s.${key}): "${key}" is not declared in state (expected ${expected(fn)})`);
  if (!o || typeof o.__id !== 'number')
    throw new KernelUsageError(`${fn}(): argument is not a declared kernel object (expected ${expected(fn)})`);
  return o.__id;
}

/** The object id of `o`, which must be a declared object of a kind that call `name` accepts. */
export function checkKind(rt: CpuRuntime, o: KObject, name: string): number {
  const id = objId(o, name);
  const info = rt.L.objects[id];
  if (!info)
    throw new KernelUsageError(`${name}(): argument is not an object of this scenario (expected ${expected(name)})`);
  if (!accepts(info.kind, name)) {
    throw new KernelUsageError(
      `${name}(s.${info.name}): "${info.key}" is ${article(info.kind)} ${info.kind}, expected ${expected(name)}`,
    );
  }
  if (rt.memory && NOT_UNDER_WEAK_MEMORY.test(name)) {
    throw new KernelUsageError(
      `${name}(s.${info.name}): its ordering is not modelled under a weak memory model ('tso' or 'weak'); run it with memory: 'sc'`,
    );
  }
  return id;
}

/**
 * Calls whose words the store buffers and views of a weak memory model do not cover (bit
 * operations, 64-bit atomics, seqlocks): refused there rather than run as if sequentially
 * consistent, which would report outcomes the kernel's memory model forbids, or miss some.
 */
const NOT_UNDER_WEAK_MEMORY =
  /^(atomic64_|atomic_long_|(__)?(set|clear|change)_bit$|test_bit$|test_and_\w+_bit(_lock)?$|clear_bit_unlock$|(write|read)_seq)/;
