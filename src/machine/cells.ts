/**
 * The door through which kernel calls read and write the value words of declared objects
 * (atomic_t, shared ints, per-CPU values): the kernel API never indexes the buffer itself.
 * Marked and atomic accesses are Atomics operations, so CPUs running truly in parallel (stress
 * mode) never lose an update; plain accesses are plain, as a C load or store is.
 */
import { O } from './object-words.ts';

/** A read-modify-write's new value from the old one and the call's operand. */
export type RmwOp = (old: number, operand: number) => number;
/** The word plus the operand (atomic_add and its kin, refcounts, sequence counts). */
export const RMW_ADD: RmwOp = (old, i) => old + i;

export class Cells {
  private wide: BigInt64Array | undefined;
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
  /**
   * An atomic read-modify-write: the word becomes next(old, operand) | 0; returns old. The
   * operand is an argument, not captured: kernel calls pass module-level ops (RMW_ADD …), so
   * no closure is made per call.
   */
  update(at: number, next: RmwOp, operand = 0): number {
    for (;;) {
      const old = Atomics.load(this.m, at);
      if (Atomics.compareExchange(this.m, at, old, next(old, operand) | 0) === old) return old;
    }
  }

  /** The 64-bit value of an atomic64_t at object offset `at`, as a number (exact within ±2^53). */
  load64(at: number): number {
    return Number(Atomics.load(this.words64(), wideIndex(at)));
  }
  /** Store a 64-bit value; returns the one it replaced. */
  exchange64(at: number, v: number): number {
    return Number(Atomics.exchange(this.words64(), wideIndex(at), toS64(v)));
  }
  /** Store `v` if the value is `expected`; returns the value found. */
  compareExchange64(at: number, expected: number, v: number): number {
    return Number(Atomics.compareExchange(this.words64(), wideIndex(at), toS64(expected), toS64(v)));
  }
  /** An atomic 64-bit read-modify-write, wrapping as s64 does; returns the old value. */
  update64(at: number, next: (old: number) => number): number {
    const w = this.words64();
    const i = wideIndex(at);
    for (;;) {
      const old = Atomics.load(w, i);
      if (Atomics.compareExchange(w, i, old, toS64(next(Number(old)))) === old) return Number(old);
    }
  }
  private words64(): BigInt64Array {
    if (!this.wide) this.wide = wideView(this.m);
    return this.wide;
  }
}

/**
 * 64-bit values (atomic64_t, atomic_long_t) sit in the first 8-byte aligned pair of words
 * after the object's common words: an object of such a kind has O.WORDS + WIDE_WORDS words.
 */
export const WIDE_WORDS = 3;
const wideIndex = (at: number): number => (at + O.WORDS + 1) >> 1;
const wideView = (m: Int32Array): BigInt64Array => new BigInt64Array(m.buffer, m.byteOffset, Math.floor(m.length / 2));
/** A number as an s64: truncated to an integer, wrapped to 64 bits. */
const toS64 = (v: number): bigint => BigInt.asIntN(64, BigInt(Math.trunc(Number.isFinite(v) ? v : 0)));

/** An atomic64_t's words at trial start: its declared value. */
export function resetWide(m: Int32Array, offset: number, words: number, init: number): void {
  m.fill(0, offset, offset + words);
  wideView(m)[wideIndex(offset)] = toS64(init);
}
