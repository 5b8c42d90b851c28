/**
 * The race analysis of source-DPOR (Abdulla, Aronis, Jonsson, Sagonas, POPL 2014, Algorithm 1):
 * given one explored execution as a sequence of steps (which option took each, and its
 * footprint), find every pair of steps in a reversible race, and for each the options that
 * could start the reversed execution at the earlier step's state (the *initials* of
 * notdep(e, E).e'). The caller adds one of them to that state's backtrack set, unless one is
 * there already.
 *
 * Happens-before is computed with vector clocks over options: a step is after the previous
 * step of its own option and after every earlier step it depends on (footprint.ts).
 */
import { dependent } from './footprint.ts';

/** One execution: for step k, its option (the process) and its footprint. */
export interface Trace {
  readonly length: number;
  proc(k: number): number;
  obj(k: number): number;
  access(k: number): number;
  cpu(k: number): number;
}

/**
 * Calls `onRace(i, initials)` for every race between step i and a later step j >= fromJ
 * (earlier ones were analysed in the execution that shared this prefix), with a function
 * giving the options that could go first in its reversal (computed only when asked).
 */
export function findRaces(t: Trace, fromJ: number, onRace: (i: number, initials: () => number[]) => void): void {
  const D = t.length;
  const ids = new Map<number, number>();
  const pid = new Int32Array(D);
  for (let k = 0; k < D; k++) {
    const p = t.proc(k);
    let id = ids.get(p);
    if (id === undefined) ids.set(p, (id = ids.size));
    pid[k] = id;
  }
  const P = ids.size;
  const procOf = [...ids.keys()];
  const vc = new Int32Array(D * P).fill(-1);
  const last = new Int32Array(P).fill(-1);
  const clock = new Int32Array(P);
  const dep = (i: number, j: number): boolean =>
    dependent(t.obj(i), t.access(i), t.cpu(i), t.obj(j), t.access(j), t.cpu(j));
  for (let j = 0; j < D; j++) {
    const pj = pid[j]!;
    const prev = last[pj]!;
    if (prev >= 0) clock.set(vc.subarray(prev * P, prev * P + P));
    else clock.fill(-1);
    // latest first: an earlier dependent step already ordered through a later one is no race
    for (let i = j - 1; i >= 0; i--) {
      const pi = pid[i]!;
      if (pi === pj || !dep(i, j)) continue;
      if (clock[pi]! < i && j >= fromJ) onRace(i, () => initials(i, j, vc, clock, pid, P, procOf));
      for (let q = 0; q < P; q++) {
        const v = vc[i * P + q]!;
        if (v > clock[q]!) clock[q] = v;
      }
    }
    clock[pj] = j;
    vc.set(clock, j * P);
    last[pj] = j;
  }
}

/**
 * Initials of v = notdep(i).j: the steps after i not ordered after it, then j. An option is an
 * initial when its first step in v has no predecessor in v. j's clock is still being built
 * (`clockJ`), but it already holds every step after i, which is all that v can contain.
 */
function initials(
  i: number,
  j: number,
  vc: Int32Array,
  clockJ: Int32Array,
  pid: Int32Array,
  P: number,
  procOf: number[],
): number[] {
  const pi = pid[i]!;
  const firstV = new Int32Array(P).fill(-1);
  const out: number[] = [];
  const visit = (k: number): void => {
    let first = true;
    for (let q = 0; q < P && first; q++) {
      const f = firstV[q]!;
      if (f >= 0 && f <= (k === j ? clockJ[q]! : vc[k * P + q]!)) first = false;
    }
    const pk = pid[k]!;
    if (first) out.push(procOf[pk]!);
    if (firstV[pk]! < 0) firstV[pk] = k;
  };
  for (let k = i + 1; k < j; k++) if (vc[k * P + pi]! < i) visit(k);
  visit(j);
  return out;
}
