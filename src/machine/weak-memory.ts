/**
 * Store buffers and views: the 'tso' and 'weak' memory models, operationally. Every word of
 * their state is in the shared buffer (memory-region.ts), since any CPU holding the baton may
 * drain any CPU's buffer.
 *
 *   'tso'   each CPU's stores wait in a FIFO store buffer and drain in order; a CPU reads its
 *           own newest buffered store (store-to-load forwarding), else memory. Reaches SB, R.
 *   'weak'  stores to different locations drain out of order, except across smp_wmb(), a
 *           release or smp_mb(); a read returns any visible store of its location no older
 *           than its CPU's view (view-based, as the promising semantics without promises).
 *           Views grow by coherence (a CPU never reads older than what it read or wrote),
 *           acquire (joining the view a release or ordered store carries), smp_rmb() (joining
 *           the views of the ordered stores read before it) and smp_mb() (a global view).
 *
 * A drain is a scheduler choice (decisions.ts), and so is a read with more than one value to
 * return (a data choice, explored like an allocation fault). A store is made visible at the
 * end of its location's coherence order, and reads happen when issued: load buffering (LB) is
 * not reached.
 */
import { HISTORY, MSG, SBE, SB_ACQUIRED, SB_CAP, SB_ORDERED, SB_RELEASE, type MemoryRegion } from './memory-region.ts';

/** Where a read's value came from: what a report prints. */
export const ReadFrom = {
  /** the newest visible store (or SC memory) */
  NEWEST: 0,
  /** the CPU's own store still in its buffer */
  OWN_BUFFER: 1,
  /** an older store: a newer one is visible, but not yet to this CPU */
  STALE: 2,
  /** the newest visible store, while another CPU's store to it is still in that CPU's buffer */
  PENDING: 3,
} as const;

export class WeakMemory {
  private readonly weak: boolean;
  /** the value word of each location (-1: a lock's, which has no value word) */
  constructor(
    private readonly m: Int32Array,
    readonly R: MemoryRegion,
    private readonly cells: Int32Array,
  ) {
    this.weak = R.model === 'weak';
  }

  /** A fresh trial: empty buffers, every location's history its initial value. */
  reset(): void {
    const R = this.R;
    this.m.fill(0, R.base, R.base + R.words);
    for (let l = 0; l < R.nlocs; l++) {
      const at = this.cells[l]!;
      const g = R.msg(l, 0);
      this.m[g + MSG.VAL] = at >= 0 ? this.m[at]! : 0;
      this.m[g + MSG.WRITER] = -1;
    }
  }

  // ---------------------------------------------------------------- buffers

  buffered(c: number): number {
    return this.m[this.R.cpu(c) + this.R.CPU.SB_N]!;
  }
  /** Some CPU has a store not yet visible (the trial cannot end yet). */
  anyBuffered(): boolean {
    for (let c = 0; c < this.R.ncpus; c++) if (this.buffered(c) > 0) return true;
    return false;
  }

  /** A store by CPU c: into its buffer (a full buffer first drains its oldest store). */
  store(c: number, l: number, v: number, release: boolean): void {
    const m = this.m;
    const R = this.R;
    const h = R.cpu(c);
    if (m[h + R.CPU.SB_N]! >= SB_CAP) this.drain(c, 0);
    const n = m[h + R.CPU.SB_N]!;
    const e = R.entry(c, n);
    m[e + SBE.LOC] = l;
    m[e + SBE.VAL] = v | 0;
    m[e + SBE.FLAGS] =
      (release ? SB_RELEASE : 0) | (m[h + R.CPU.ORDERED] ? SB_ORDERED : 0) | (m[h + R.CPU.ACQUIRED] ? SB_ACQUIRED : 0);
    m[e + SBE.EPOCH] = m[h + R.CPU.EPOCH]!;
    m[e + SBE.SEQ] = m[h + R.CPU.STORE_SEQ]!;
    m[h + R.CPU.STORE_SEQ] = m[h + R.CPU.STORE_SEQ]! + 1;
    m[h + R.CPU.SB_N] = n + 1;
  }

  /** Can entry i of c's buffer drain now? TSO: only the oldest; weak: nothing it must follow. */
  drainable(c: number, i: number): boolean {
    if (i === 0) return true;
    if (!this.weak) return false;
    const m = this.m;
    const e = this.R.entry(c, i);
    if (m[e + SBE.FLAGS]! & SB_RELEASE) return false;
    for (let j = 0; j < i; j++) {
      const f = this.R.entry(c, j);
      if (m[f + SBE.LOC] === m[e + SBE.LOC] || m[f + SBE.EPOCH] !== m[e + SBE.EPOCH]) return false;
    }
    return true;
  }

  /** Entry i of c's buffer, by its store number (what a flush option names); -1 when gone. */
  entryOf(c: number, seq: number): number {
    const n = this.buffered(c);
    for (let i = 0; i < n; i++) if ((this.m[this.R.entry(c, i) + SBE.SEQ]! & 0xff) === seq) return i;
    return -1;
  }
  /** The location entry i of c's buffer stores to. */
  entryLoc(c: number, i: number): number {
    return this.m[this.R.entry(c, i) + SBE.LOC]!;
  }
  entrySeq(c: number, i: number): number {
    return this.m[this.R.entry(c, i) + SBE.SEQ]!;
  }

  /**
   * Make entry i of c's buffer visible: the newest store of its location. A release or
   * ordered store carries c's view, which already holds every store it must follow.
   * Returns the store's timestamp.
   */
  drain(c: number, i: number): number {
    const m = this.m;
    const R = this.R;
    const e = R.entry(c, i);
    const l = m[e + SBE.LOC]!;
    const v = m[e + SBE.VAL]!;
    const f = m[e + SBE.FLAGS]!;
    const ts = this.append(
      c,
      l,
      v,
      m[e + SBE.SEQ]!,
      f & (SB_RELEASE | SB_ORDERED) ? R.cur(c) : f & SB_ACQUIRED ? R.carry(c) : -1,
    );
    const h = R.cpu(c);
    const n = m[h + R.CPU.SB_N]!;
    m.copyWithin(e, e + SBE.WORDS, R.entry(c, n));
    m[h + R.CPU.SB_N] = n - 1;
    return ts;
  }

  /** Drain c's whole buffer, oldest first (smp_mb, a full-barrier atomic, spin_unlock). */
  drainAll(c: number): void {
    while (this.buffered(c) > 0) this.drain(c, 0);
  }

  /** A message at the end of l's coherence order, written by c, carrying view `view` (or -1: none). */
  private append(c: number, l: number, v: number, seq: number, view: number): number {
    const withView = view >= 0;
    const m = this.m;
    const R = this.R;
    const ts = m[R.latest(l)]! + 1;
    m[R.latest(l)] = ts;
    const cur = R.cur(c);
    m[cur + l] = ts; // coherence: c never reads older than its own store again
    const g = R.msg(l, ts);
    m[g + MSG.TS] = ts;
    m[g + MSG.VAL] = v | 0;
    m[g + MSG.WRITER] = c;
    m[g + MSG.SEQ] = seq;
    m[g + MSG.VIEW] = withView ? 1 : 0;
    if (withView) m.copyWithin(g + MSG.WORDS, view, view + R.nlocs);
    const at = this.cells[l]!;
    if (at >= 0) m[at] = v | 0;
    return ts;
  }

  // ---------------------------------------------------------------- reads

  /** c's newest buffered store to l (store-to-load forwarding), or -1. */
  forwarded(c: number, l: number): number {
    for (let i = this.buffered(c) - 1; i >= 0; i--) if (this.entryLoc(c, i) === l) return i;
    return -1;
  }
  entryValue(c: number, i: number): number {
    return this.m[this.R.entry(c, i) + SBE.VAL]!;
  }

  /** Timestamps c may read at l: from the newest down to its view (TSO: the newest only). */
  choices(c: number, l: number): number {
    if (!this.weak) return 1;
    const latest = this.m[this.R.latest(l)]!;
    const oldest = Math.max(this.m[this.R.cur(c) + l]!, latest - HISTORY + 1, 0);
    return latest - oldest + 1;
  }

  /**
   * c reads the store `back` places older than l's newest; returns its message. Coherence
   * raises c's view of l; an acquire joins the message's view, a plain read keeps it for
   * c's next smp_rmb().
   */
  read(c: number, l: number, back: number, acquire: boolean): number {
    const m = this.m;
    const R = this.R;
    const ts = m[R.latest(l)]! - back;
    const g = R.msg(l, ts);
    const cur = R.cur(c);
    if (m[cur + l]! < ts) m[cur + l] = ts;
    if (this.weak && m[g + MSG.VIEW]) this.join(acquire ? cur : R.pending(c), g + MSG.WORDS);
    if (this.weak && acquire) this.acquired(c);
    return g;
  }

  /** c's later stores carry what it has acquired so far (LKMM's acquire ; po ordering). */
  private acquired(c: number): void {
    const R = this.R;
    this.m.copyWithin(R.carry(c), R.cur(c), R.cur(c) + R.nlocs);
    this.m[R.cpu(c) + R.CPU.ACQUIRED] = 1;
  }
  msgValue(g: number): number {
    return this.m[g + MSG.VAL]!;
  }
  /** The CPU whose store is l's newest (-1: the initial value). */
  newestWriter(l: number): number {
    return this.m[this.R.msg(l, this.m[this.R.latest(l)]!) + MSG.WRITER]!;
  }

  /**
   * A read-modify-write (or a lock taken or released) at l's newest store, an acquire: the
   * caller drained c first. `ordered`: its message carries c's view (a release, a full barrier).
   */
  rmw(c: number, l: number, v: number, ordered: boolean): void {
    this.read(c, l, 0, true);
    const seq = this.m[this.R.cpu(c) + this.R.CPU.STORE_SEQ]!;
    this.m[this.R.cpu(c) + this.R.CPU.STORE_SEQ] = seq + 1;
    this.append(c, l, v, seq, ordered ? this.R.cur(c) : -1);
  }

  // ---------------------------------------------------------------- barriers

  /** smp_mb(): drain, take every view read so far and the global one; publish c's. */
  mb(c: number): void {
    const R = this.R;
    this.drainAll(c);
    const cur = R.cur(c);
    this.join(cur, R.pending(c));
    this.join(cur, R.global());
    this.m.copyWithin(R.global(), cur, cur + R.nlocs);
    this.ordered(c);
  }
  /** smp_wmb(): later stores drain after earlier ones, and carry c's view. */
  wmb(c: number): void {
    const h = this.R.cpu(c) + this.R.CPU.EPOCH;
    this.m[h] = this.m[h]! + 1;
    this.ordered(c);
  }
  /** smp_rmb(): later reads are no older than what earlier reads' ordered stores carried. */
  rmb(c: number): void {
    this.join(this.R.cur(c), this.R.pending(c));
  }
  /** Stores issued from now on carry c's view when they drain. */
  ordered(c: number): void {
    this.m[this.R.cpu(c) + this.R.CPU.ORDERED] = 1;
  }

  private join(into: number, from: number): void {
    const m = this.m;
    for (let l = 0; l < this.R.nlocs; l++) if (m[from + l]! > m[into + l]!) m[into + l] = m[from + l]!;
  }
}

/** A lock taken is an acquire: the view its last release published becomes this CPU's. */
export function lockAcquired(mem: WeakMemory, cpu: number, obj: number): void {
  if (obj < mem.R.nlocs) mem.rmw(cpu, obj, 1, false);
}
/** A lock released is a release: this CPU's stores drain, and its view goes with the lock. */
export function lockReleasing(mem: WeakMemory, cpu: number, obj: number): void {
  mem.drainAll(cpu);
  if (obj < mem.R.nlocs) mem.rmw(cpu, obj, 0, true);
  mem.ordered(cpu);
}
