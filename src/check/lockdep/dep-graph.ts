/**
 * The lock dependency graph: an edge A -> B means B was acquired while A was held, in the same
 * context. Each edge carries the kinds of dependency seen (lockdep-design.rst's recursive-read
 * section):
 *
 *   -(EN)->  A held exclusively, B taken non-recursively     -(ER)->  … B taken as a recursive reader
 *   -(SN)->  A held shared,      B taken non-recursively     -(SR)->  … B taken as a recursive reader
 *
 * Only a *strong* path, one with no -(*R)-> immediately followed by -(S*)->, can deadlock:
 * a recursive reader never waits for another reader. The BFS here follows strong paths only,
 * tracking per node whether the path so far ends in -(*R)-> (the kernel's only_xr), and visits
 * each (class, only_xr) pair once, so a node reached first through a weak path is still
 * explored through a strong one.
 */

export const DEP_SR = 1 << 0;
export const DEP_ER = 1 << 1;
export const DEP_SN = 1 << 2;
export const DEP_EN = 1 << 3;
const DEP_S_ANY = DEP_SR | DEP_SN;
const DEP_N_ANY = DEP_SN | DEP_EN;

/** The dependency kind of taking `nextRead` while holding `prevRead` (read: 0, 1 or 2). */
export function depBit(prevRead: number, nextRead: number): number {
  return (prevRead === 0 ? 1 : 0) + (nextRead !== 2 ? 2 : 0);
}

/**
 * The same dependency seen from B's side (the kernel's calc_depb): walking backwards, "shared"
 * and "recursive" swap roles, so ER and SN trade places.
 */
export function depBackwards(dep: number): number {
  return (dep & (DEP_SR | DEP_EN)) | ((dep & DEP_ER) << 1) | ((dep & DEP_SN) >> 1);
}

/** A BFS state: class × (path so far ends with -(*R)->). */
export function stateClass(state: number): number {
  return state >> 1;
}

export type StateMatch = (cls: number, onlyXr: boolean) => boolean;

export class DepGraph {
  private cap = 0;
  /** cap × cap: edge id of A -> B, -1 when there is none */
  private edgeAt = new Int32Array(0);
  /** class → classes it was followed by (locks_after), in order of discovery */
  readonly after: number[][] = [];
  /** class → classes it was preceded by (locks_before) */
  readonly before: number[][] = [];
  /** per edge */
  readonly from: number[] = [];
  readonly to: number[] = [];
  readonly dep: number[] = [];

  private gen = 0;
  private visited = new Int32Array(0);
  private parent = new Int32Array(0);
  private queue = new Int32Array(0);

  get edges(): number {
    return this.from.length;
  }

  /** Classes the graph has room for. */
  get size(): number {
    return this.after.length;
  }

  /** Make room for `classes` classes. */
  ensure(classes: number): void {
    while (this.after.length < classes) {
      this.after.push([]);
      this.before.push([]);
    }
    if (classes <= this.cap) return;
    let cap = Math.max(16, this.cap);
    while (cap < classes) cap *= 2;
    const edgeAt = new Int32Array(cap * cap).fill(-1);
    for (let e = 0; e < this.from.length; e++) edgeAt[this.from[e]! * cap + this.to[e]!] = e;
    this.edgeAt = edgeAt;
    this.cap = cap;
    this.visited = new Int32Array(2 * cap);
    this.parent = new Int32Array(2 * cap);
    this.queue = new Int32Array(2 * cap);
    this.gen = 0;
  }

  edge(a: number, b: number): number {
    return this.edgeAt[a * this.cap + b]!;
  }

  /** Dependency kinds recorded for A -> B (0 when none). */
  depOf(a: number, b: number): number {
    const e = this.edgeAt[a * this.cap + b]!;
    return e < 0 ? 0 : this.dep[e]!;
  }

  /** Record the kinds `dep` for A -> B; returns the edge id. */
  add(a: number, b: number, dep: number): number {
    const slot = a * this.cap + b;
    let e = this.edgeAt[slot]!;
    if (e < 0) {
      e = this.from.length;
      this.from.push(a);
      this.to.push(b);
      this.dep.push(0);
      this.edgeAt[slot] = e;
      this.after[a]!.push(b);
      this.before[b]!.push(a);
    }
    this.dep[e]! |= dep;
    return e;
  }

  /**
   * Breadth-first search along strong paths from `root` (forwards along locks_after, or
   * backwards along locks_before) for the first state `match` accepts, root included.
   * Returns that state, or -1. A match that always answers false visits every strongly
   * reachable state (the kernel's usage_accumulate walk).
   */
  bfs(root: number, rootOnlyXr: boolean, forwards: boolean, match: StateMatch): number {
    const gen = ++this.gen;
    const visited = this.visited;
    const parent = this.parent;
    const queue = this.queue;
    const cap = this.cap;
    const rs = root * 2 + (rootOnlyXr ? 1 : 0);
    visited[rs] = gen;
    parent[rs] = -1;
    if (match(root, rootOnlyXr)) return rs;
    let head = 0;
    let tail = 0;
    queue[tail++] = rs;
    while (head < tail) {
      const s = queue[head++]!;
      const c = s >> 1;
      const onlyXr = (s & 1) === 1;
      const next = forwards ? this.after[c]! : this.before[c]!;
      for (let k = 0; k < next.length; k++) {
        const v = next[k]!;
        let d = forwards ? this.dep[this.edgeAt[c * cap + v]!]! : depBackwards(this.dep[this.edgeAt[v * cap + c]!]!);
        // -(*R)-> followed by -(S*)-> is not a strong path.
        if (onlyXr) d &= ~DEP_S_ANY;
        if (d === 0) continue;
        const vXr = (d & DEP_N_ANY) === 0;
        const vs = v * 2 + (vXr ? 1 : 0);
        if (visited[vs] === gen) continue;
        visited[vs] = gen;
        parent[vs] = s;
        if (match(v, vXr)) return vs;
        queue[tail++] = vs;
      }
    }
    return -1;
  }

  /** The states from the root of the last search to `state`, root first. */
  path(state: number): number[] {
    const out: number[] = [];
    for (let s = state; s >= 0; s = this.parent[s]!) out.push(s);
    return out.reverse();
  }

  /**
   * Edge id between consecutive classes of a path found by `bfs`: forwards the path runs along
   * edges, backwards against them.
   */
  pathEdge(fromCls: number, toCls: number, forwards: boolean): number {
    return forwards ? this.edge(fromCls, toCls) : this.edge(toCls, fromCls);
  }
}
