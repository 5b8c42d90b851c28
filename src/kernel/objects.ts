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
import { maybeCpu } from './cpu.ts';

export interface KObject {
  /** object id in the layout */
  readonly __id: number;
  /** word offset in the shared buffer */
  readonly __at: number;
  readonly name: string;
}

export type Spinlock = KObject & { readonly __kind: 'spinlock' };
export type RwLock = KObject & { readonly __kind: 'rwlock' };
export type Atomic = KObject & { readonly __kind: 'atomic' };
export type PerCpu = KObject & { readonly __kind: 'percpu' };

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
    const v = rt.cells.read(this.__at);
    rt.emit(Op.MEM_READ, this.__id, v, 0, FN_READ);
    return v;
  }
  set value(v: number) {
    const rt = maybeCpu();
    if (!rt) {
      this.mem.store(this.__at, v);
      return;
    }
    rt.point(this.__id, Access.WRITE);
    const old = rt.cells.write(this.__at, v);
    rt.emit(Op.MEM_WRITE, this.__id, v | 0, old, FN_WRITE);
  }
}

function handle(info: ObjectInfo, mem: Cells): KObject {
  if (info.kind === 'shared') return new Shared(info.id, info.offset, info.name, mem);
  return Object.freeze({ __id: info.id, __at: info.offset, name: info.name, __kind: info.kind, __mem: mem });
}

/** The state object tasks see: declarations bound to their slots, other values as they are. */
export function bindState(def: ScenarioDef, L: Layout, mem: Cells): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(def.state ?? {})) {
    if (!isObjectDecl(value)) {
      out[key] = value;
      continue;
    }
    const infos = L.objectsByKey.get(key)!;
    const handles = infos.map((i) => handle(i, mem));
    out[key] = value.array ? handles : handles[0];
  }
  return out;
}

export function objId(o: KObject | undefined, fn: string): number {
  if (!o || typeof o.__id !== 'number') throw new Error(`${fn}(): argument is not a declared kernel object`);
  return o.__id;
}
