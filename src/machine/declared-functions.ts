/**
 * Objects declared with a function (tasklet(fn), work(fn)): each instance with the function it
 * runs, looked up once per runtime and kind.
 */
import type { ObjectDecl, ObjectKind } from './declarations.ts';
import type { ObjectInfo } from './layout.ts';
import type { CpuRuntime } from './runtime.ts';

export interface DeclaredFunction {
  info: ObjectInfo;
  fn: (state: unknown) => unknown;
}

const cache = new WeakMap<CpuRuntime, Map<ObjectKind, DeclaredFunction[]>>();

export function declaredFunctions(rt: CpuRuntime, kind: ObjectKind): DeclaredFunction[] {
  let byKind = cache.get(rt);
  if (!byKind) cache.set(rt, (byKind = new Map()));
  let list = byKind.get(kind);
  if (!list) {
    list = rt.L.objects
      .filter((o) => o.kind === kind)
      .map((info) => ({ info, fn: (rt.def.state![info.key] as ObjectDecl).fn as (s: unknown) => unknown }));
    byKind.set(kind, list);
  }
  return list;
}
