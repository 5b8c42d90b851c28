/**
 * The words of a weak memory model ('tso' or 'weak') in the shared buffer: per CPU a store
 * buffer and two views, per location a short history of the stores made visible, and the
 * global view smp_mb() publishes. A machine whose memory is 'sc' has no such region at all.
 *
 * A *location* is a declared object (its id): shared ints and atomic_t carry values, spinlocks
 * carry the locked/unlocked history spin_is_locked() reads and the view a spin_unlock()
 * releases. A *timestamp* counts the stores made visible to a location (0: its initial value),
 * in coherence order; a *view* gives, per location, the oldest timestamp a CPU may still read.
 */
import { fields, words } from './fields.ts';

export type MemoryModelName = 'sc' | 'tso' | 'weak';
/** The scenario field's and the --memory flag's values, the default first. */
export const MEMORY_MODELS: readonly MemoryModelName[] = ['sc', 'tso', 'weak'];

/** Stores one CPU's buffer holds; a store into a full buffer first drains the oldest. */
export const SB_CAP = 4;
/** Visible stores a location remembers: a read may return any of them its view allows. */
export const HISTORY = 4;

/** One buffered store. */
export const SBE = words(
  'LOC', //   location
  'VAL', //   value
  'FLAGS', // SB_RELEASE | SB_ORDERED
  'EPOCH', // smp_wmb()s before it on its CPU: it never drains before a store of an older epoch
  'SEQ', //   per-CPU store number: names the flush option, stable whatever drained before
);
/** A release store (smp_store_release, rcu_assign_pointer): it drains only from the head. */
export const SB_RELEASE = 1;
/** Issued after a write barrier (smp_wmb, smp_mb, spin_unlock): its message carries a view. */
export const SB_ORDERED = 2;
/** Issued after an acquire (a lock taken, smp_load_acquire): its message carries what that acquired. */
export const SB_ACQUIRED = 4;

/** One visible store of a location (a message): view words follow. */
export const MSG = words(
  'TS', //     its timestamp
  'VAL',
  'WRITER', // CPU that made it, -1 for the initial value
  'SEQ', //    that CPU's store number
  'VIEW', //   1 when the view words that follow are meaningful (release, ordered)
);

export class MemoryRegion {
  /** per-CPU header: entries in the buffer, the next store number, the wmb epoch, ordered, acquired */
  readonly CPU = words('SB_N', 'STORE_SEQ', 'EPOCH', 'ORDERED', 'ACQUIRED');
  readonly cpuWords: number;
  readonly msgWords: number;
  readonly locWords: number;
  readonly words: number;
  /** where each CPU's block starts */
  private readonly cpuBase: number;
  private readonly locBase: number;

  /**
   * @param base  first word of the region
   * @param ncpus CPUs (buffers)
   * @param nlocs locations (declared objects)
   */
  constructor(
    readonly base: number,
    readonly ncpus: number,
    readonly nlocs: number,
    readonly model: MemoryModelName,
  ) {
    const cpu = fields({ head: this.CPU.WORDS, sb: SB_CAP * SBE.WORDS, cur: nlocs, pending: nlocs, carry: nlocs });
    this.cpuWords = cpu.WORDS;
    this.msgWords = MSG.WORDS + nlocs;
    this.locWords = 1 + HISTORY * this.msgWords;
    this.cpuBase = base + nlocs; // the global view first
    this.locBase = this.cpuBase + ncpus * this.cpuWords;
    this.words = model === 'sc' ? 0 : this.locBase + nlocs * this.locWords - base;
  }

  /** The global view smp_mb() joins and publishes. */
  global(): number {
    return this.base;
  }
  cpu(c: number): number {
    return this.cpuBase + c * this.cpuWords;
  }
  entry(c: number, i: number): number {
    return this.cpu(c) + this.CPU.WORDS + i * SBE.WORDS;
  }
  /** CPU c's view: the oldest timestamp per location its reads may return. */
  cur(c: number): number {
    return this.cpu(c) + this.CPU.WORDS + SB_CAP * SBE.WORDS;
  }
  /** Views of the ordered stores c has read, which its next smp_rmb() (or smp_mb) joins. */
  pending(c: number): number {
    return this.cur(c) + this.nlocs;
  }
  /** The view c's acquires obtained (before a lock's own store): what its later stores carry. */
  carry(c: number): number {
    return this.pending(c) + this.nlocs;
  }
  /** The latest timestamp of location l. */
  latest(l: number): number {
    return this.locBase + l * this.locWords;
  }
  /** The message of location l with timestamp ts (a ring of HISTORY). */
  msg(l: number, ts: number): number {
    return this.latest(l) + 1 + (ts % HISTORY) * this.msgWords;
  }
}
