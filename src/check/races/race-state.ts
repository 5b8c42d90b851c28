/**
 * The race detector's working memory, sized once per layout and cleared per trial: vector
 * clocks of every thread and synchronisation object, and FastTrack's shadow of every object
 * (last write as an epoch; last reads as an epoch, or a clock once reads are concurrent).
 *
 * Threads are agent *contexts*: thread agent*NCTX + Ctx.* (task, hardirq, softirq), so an interrupt
 * handler is its own thread, concurrent with the code it interrupts. Shadow slots come in two
 * classes per object: plain accesses and marked ones (READ_ONCE/WRITE_ONCE, release/acquire);
 * marked accesses are only checked against plain ones. Only objects whose kind is memory
 * (object-kinds.ts) have a shadow: they are cells, numbered densely. The fields of kmalloc
 * objects are cells too, after the declared ones: each field gets the next free heap cell the
 * first time a trial touches it (HEAP_CELLS of them per trial; fields beyond are not watched).
 */
import { ClockTable } from './clocks.ts';
import type { Layout } from '../../machine/layout.ts';
import { objectKind } from '../../machine/object-kinds.ts';

export const NCTX = 3;
export const PLAIN = 0;
export const MARKED = 1;
/** rT: no read recorded; reads recorded as a clock (read-shared) */
export const EMPTY = -1;
export const SHARED = -2;
/** softirq / tasklet numbers are folded into this many sync clocks */
export const SOFT_KEYS = 64;
/** The clock key of a deferred item (a work item, a kthread, an irq thread): past the softirqs'. */
export const workKey = (obj: number): number => 16 + (obj % (SOFT_KEYS - 16));
/** kmalloc object fields the race detector watches in one trial */
export const HEAP_CELLS = 256;

export class RaceState {
  /** agent of a task pid (a context on an idle CPU, pid 0, belongs to the CPU's primary agent) */
  readonly agentOfPid: Int32Array;
  readonly T: number;
  /** objects */
  readonly N: number;
  /** memory cells: objects whose kind is memory (race candidates) */
  readonly M: number;
  /** the cell of each object, -1 when its kind is not memory */
  readonly cellOf: Int32Array;
  /** cells of declared objects; heap cells follow */
  readonly objectCells: number;
  /** this trial's heap cells: kobjAddr → cell, and back */
  private readonly heapCells = new Map<number, number>();
  readonly heapAddrOf: Int32Array;
  /** thread clocks */
  readonly C: ClockTable;
  /** per lock: clock of its last exclusive releases, and of its reader releases (rwlock) */
  readonly lockW: ClockTable;
  readonly lockR: ClockTable;
  /** per irq line: its handler's last exit (one line's handler never runs on two CPUs at once) */
  readonly lines: ClockTable;
  /** per CPU: its task's end (what runs on the CPU afterwards comes after it) */
  readonly exits: ClockTable;
  /** schedule → run of softirqs and tasklets, by number */
  readonly soft: ClockTable;
  /** the end of a work item's run → flush_work, by work key */
  readonly done: ClockTable;
  /** per thread: clock at its last release fence (smp_wmb, smp_mb, fully ordered RMW) */
  readonly fenceRel: ClockTable;
  readonly hasFence: Uint8Array;
  /** per thread: what its reads since would acquire at an acquire fence (smp_rmb, smp_mb) */
  readonly pendAcq: ClockTable;
  /** per cell: the release clock its last write carries (store-release, write after a fence) */
  readonly wFence: ClockTable;
  readonly hasWFence: Uint8Array;
  // FastTrack shadow, slot s = cell*2 + class
  readonly wT: Int32Array;
  readonly wC: Int32Array;
  readonly wSeq: Int32Array;
  readonly wOrd: Int32Array;
  readonly rT: Int32Array;
  readonly rC: Int32Array;
  readonly rSeq: Int32Array;
  readonly rOrd: Int32Array;
  /** read-shared slots: per thread clock, seq and ordinal of its last read */
  readonly rvC: ClockTable;
  readonly rvSeq: ClockTable;
  readonly rvOrd: ClockTable;
  /** per (thread, cell, write?, class): accesses so far this trial */
  readonly ord: Int32Array;
  /** per thread: accesses left in its seqlock read section, and its write sections' nesting */
  readonly seqRead: Int32Array;
  readonly seqWrite: Int32Array;

  constructor(readonly L: Layout) {
    // one thread per agent context: a kworker and a task sharing a CPU are distinct threads
    const T = (this.T = L.nagents * NCTX);
    this.agentOfPid = new Int32Array(L.maxPid + 1).fill(-1);
    for (const t of L.tasks) this.agentOfPid[t.pid] = t.agent;
    for (const a of L.agents) if (a.pid !== undefined) this.agentOfPid[a.pid] = a.index;
    const N = (this.N = Math.max(L.objects.length, 1));
    this.cellOf = new Int32Array(L.objects.length).fill(-1);
    let cells = 0;
    for (const o of L.objects) if (objectKind(o.kind).memory) this.cellOf[o.id] = cells++;
    this.objectCells = cells;
    this.heapAddrOf = new Int32Array(HEAP_CELLS);
    const M = (this.M = cells + HEAP_CELLS);
    this.C = new ClockTable(T, T);
    this.lockW = new ClockTable(N, T);
    this.lockR = new ClockTable(N, T);
    this.lines = new ClockTable(Math.max(L.lines.length, 1), T);
    this.exits = new ClockTable(L.ncpus, T);
    this.soft = new ClockTable(SOFT_KEYS, T);
    this.done = new ClockTable(SOFT_KEYS, T);
    this.fenceRel = new ClockTable(T, T);
    this.hasFence = new Uint8Array(T);
    this.pendAcq = new ClockTable(T, T);
    this.wFence = new ClockTable(M, T);
    this.hasWFence = new Uint8Array(M);
    const slots = 2 * M;
    this.wT = new Int32Array(slots);
    this.wC = new Int32Array(slots);
    this.wSeq = new Int32Array(slots);
    this.wOrd = new Int32Array(slots);
    this.rT = new Int32Array(slots);
    this.rC = new Int32Array(slots);
    this.rSeq = new Int32Array(slots);
    this.rOrd = new Int32Array(slots);
    this.rvC = new ClockTable(slots, T);
    this.rvSeq = new ClockTable(slots, T);
    this.rvOrd = new ClockTable(slots, T);
    this.ord = new Int32Array(T * M * 4);
    this.seqRead = new Int32Array(T);
    this.seqWrite = new Int32Array(T);
    this.perTrial = [
      this.C,
      this.lockW,
      this.lockR,
      this.lines,
      this.exits,
      this.soft,
      this.done,
      this.fenceRel,
      this.pendAcq,
    ];
    this.wT.fill(EMPTY);
    this.rT.fill(EMPTY);
  }

  /** the clock tables not indexed by cell, which a trial starts empty (a list made once) */
  private readonly perTrial: readonly ClockTable[];

  /**
   * A new trial: every thread at its own clock 1, nothing synchronised, no access recorded.
   * Per-cell state is cleared only for the cells the trial before could touch (the objects',
   * and the heap cells it was given, which are handed out in order): every heap cell is room
   * for a kmalloc field, and clearing all of them each trial was most of this detector's time.
   */
  reset(): void {
    const used = this.objectCells + this.heapCells.size;
    const T = this.T;
    for (let i = 0; i < this.perTrial.length; i++) this.perTrial[i]!.clear();
    for (let t = 0; t < T; t++) this.C.v[t * T + t] = 1;
    this.hasFence.fill(0);
    this.wFence.v.fill(0, 0, used * T);
    this.hasWFence.fill(0, 0, used);
    this.wT.fill(EMPTY, 0, 2 * used);
    this.rT.fill(EMPTY, 0, 2 * used);
    this.rvC.v.fill(0, 0, 2 * used * T);
    for (let u = 0; u < T; u++) this.ord.fill(0, u * this.M * 4, (u * this.M + used) * 4);
    if (this.heapCells.size > 0) this.heapCells.clear(); // clear() makes a new table
    this.seqRead.fill(0);
    this.seqWrite.fill(0);
  }

  /** The class of a plain access by thread u: marked inside a seqlock section (KCSAN's atomic region). */
  plainClass(u: number): number {
    if (this.seqWrite[u]! > 0) return MARKED;
    if (this.seqRead[u]! > 0) {
      this.seqRead[u]!--;
      return MARKED;
    }
    return PLAIN;
  }

  /** The cell of a kmalloc object's field (kobjAddr), given on first use; -1 once all are taken. */
  heapCell(addr: number): number {
    let c = this.heapCells.get(addr);
    if (c === undefined) {
      const k = this.heapCells.size;
      if (k >= HEAP_CELLS) return -1;
      c = this.objectCells + k;
      this.heapCells.set(addr, c);
      this.heapAddrOf[k] = addr;
    }
    return c;
  }
}
