/**
 * Vector clocks packed into typed arrays: clock k of a table is the T-wide row at k*T. All
 * operations work in place, so the detector allocates nothing per event.
 */
export class ClockTable {
  readonly v: Int32Array;
  constructor(
    readonly rows: number,
    readonly T: number,
  ) {
    this.v = new Int32Array(rows * T);
  }
  clear(): void {
    this.v.fill(0);
  }
  /** clock k[t] */
  at(k: number, t: number): number {
    return this.v[k * this.T + t]!;
  }
}

/** into[i] ⊔= from[j] */
export function join(into: ClockTable, i: number, from: ClockTable, j: number): void {
  const T = into.T;
  const a = into.v;
  const b = from.v;
  const ai = i * T;
  const bj = j * T;
  for (let t = 0; t < T; t++) if (b[bj + t]! > a[ai + t]!) a[ai + t] = b[bj + t]!;
}

/** into[i] = from[j] */
export function copy(into: ClockTable, i: number, from: ClockTable, j: number): void {
  const T = into.T;
  for (let t = 0; t < T; t++) into.v[i * T + t] = from.v[j * T + t]!;
}
