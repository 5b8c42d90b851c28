/**
 * The door through which kernel calls read and write the value words of declared objects
 * (atomic_t, shared ints, per-CPU values): the kernel API never indexes the buffer itself.
 * Marked and atomic accesses are Atomics operations, so CPUs running truly in parallel (stress
 * mode) never lose an update; plain accesses are plain, as a C load or store is.
 */
export class Cells {
  constructor(private readonly m: Int32Array) {}

  /** a plain load (`x`, `s.value`) */
  read(at: number): number {
    return this.m[at]!;
  }
  /** a plain store; returns the value it replaced */
  write(at: number, v: number): number {
    const old = this.m[at]!;
    this.m[at] = v | 0;
    return old;
  }
  load(at: number): number {
    return Atomics.load(this.m, at);
  }
  store(at: number, v: number): void {
    Atomics.store(this.m, at, v | 0);
  }
  exchange(at: number, v: number): number {
    return Atomics.exchange(this.m, at, v | 0);
  }
  /** Store `v` if the word is `expected`; returns the value found (=== expected on success). */
  compareExchange(at: number, expected: number, v: number): number {
    return Atomics.compareExchange(this.m, at, expected | 0, v | 0);
  }
  /** An atomic read-modify-write: the word becomes next(old) | 0; returns old. */
  update(at: number, next: (old: number) => number): number {
    for (;;) {
      const old = Atomics.load(this.m, at);
      if (Atomics.compareExchange(this.m, at, old, next(old) | 0) === old) return old;
    }
  }
}
