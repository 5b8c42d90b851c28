/**
 * Data races by happens-before (FastTrack over vector clocks), in KCSAN's terms: two accesses
 * to the same shared cell, at least one a write, at least one plain, not ordered by
 * happens-before. Predictive: a race is reported on the first trial where the two accesses are
 * unordered, whether or not that trial lost an update.
 *
 * Happens-before comes from: lock release → later acquire of the same lock (any lock kind, and
 * a semaphore's up → the down it satisfies, both LOCK_RELEASE/LOCK_ACQUIRE); fully ordered
 * atomics (value-returning RMW: a full barrier, and acquire/release on the atomic itself);
 * smp_store_release → an smp_load_acquire reading it; smp_wmb/smp_mb before a write → a read
 * of it followed by smp_rmb/smp_mb; an irq line's handler exit → its next entry, and → synchronize_irq/free_irq; a task's end →
 * what its CPU runs afterwards; raise_softirq/tasklet_schedule/schedule_work → the run.
 * Plain atomic_set/atomic_read/atomic_inc order nothing.
 *
 * Two tasks on one CPU are concurrent unless both accesses were made with preemption or irqs off.
 * An interrupt handler and the code it interrupted on the same CPU are concurrent, except for
 * accesses the interrupted code made with irqs (for a softirq: bottom halves) disabled.
 *
 * Every event is handled in constant time over typed arrays (clock joins are O(threads) and
 * happen only at synchronisation), with no allocation unless a race is reported.
 */
import {
  Ctx,
  EV_WORDS,
  EvFlag,
  F_A,
  F_B,
  F_CPU,
  F_CTX,
  F_FLAGS,
  F_FN,
  F_OBJ,
  F_OP,
  F_PCOUNT,
  F_TID,
  LockFlag,
  Op,
  SOFTIRQ_MASK,
  SOFTIRQ_NR,
  kobjField,
} from '../../machine/events.ts';
import type { Layout } from '../../machine/layout.ts';
import type { Detector, RawFinding, TrialInfo } from '../detector.ts';
import { copy, join } from './clocks.ts';
import { EMPTY, MARKED, NCTX, PLAIN, RaceState, SHARED, SOFT_KEYS } from './race-state.ts';
import { RACES, type RaceData } from './finding-data.ts';
import { markSync } from './sync-marks.ts';
import { accessAt, position } from './race-access.ts';
import { isAcquire, isBitLock, isBitUnlock, isLoadAcquire, isRelease, isStoreRelease } from './access-order.ts';

/** The event at word `at` was made with preemption (or irqs) off: no other task could run on its CPU. */
function nonPreemptible(w: Int32Array, at: number): boolean {
  return w[at + F_PCOUNT] !== 0 || (w[at + F_FLAGS]! & EvFlag.IRQS_DISABLED) !== 0;
}
/** the innermost-context priority: who can interrupt whom on one CPU */
const PRIO = [0, 2, 1]; // task, hardirq, softirq

type RaceFinding = RawFinding<RaceData, 'data-race'>;
type Report = (f: RaceFinding) => void;

export class RaceDetector implements Detector<RaceData, 'data-race'> {
  readonly name = RACES;
  private s: RaceState | undefined;
  private t!: TrialInfo;
  private w!: Int32Array;
  private report!: Report;
  /**
   * Findings made so far by pair key, each with the last trial that reported it: a pair seen
   * again is re-reported without rebuilding it, once per trial, with no set of the trial's own
   */
  private readonly known = new Map<number, { finding: RaceFinding; trial: number }>();
  /** trials judged so far (the index in a batch repeats across batches) */
  private trials = 0;

  onTrial(t: TrialInfo, report: Report): void {
    if (!this.s || this.s.L !== t.layout) this.s = new RaceState(t.layout);
    const s = this.s;
    s.reset();
    this.t = t;
    this.w = t.events.words;
    this.report = report;
    this.trials++;
    this.run(s, t.events.length);
  }

  /** The event loop; public for the benchmark. */
  run(s: RaceState, n: number): void {
    const w = this.w;
    const T = s.T;
    for (let i = 0; i < n; i++) {
      const at = i * EV_WORDS;
      const op = w[at + F_OP]!;
      const pidAgent = s.agentOfPid[w[at + F_TID]!] ?? -1;
      const u = (pidAgent >= 0 ? pidAgent : w[at + F_CPU]!) * NCTX + w[at + F_CTX]!;
      const o = w[at + F_OBJ]!;
      switch (op) {
        case Op.MEM_READ:
          this.noteRead(s, u, cellOf(s, o), false);
          this.access(s, i, u, cellOf(s, o), false, s.plainClass(u));
          break;
        case Op.MEM_WRITE:
          this.access(s, i, u, cellOf(s, o), true, s.plainClass(u));
          this.noteWrite(s, u, cellOf(s, o), false, false);
          break;
        case Op.KOBJ_READ: {
          // a field of a kmalloc object: a plain access, like a shared cell's
          const c = s.heapCell(w[at + F_B]!);
          this.noteRead(s, u, c, false);
          this.access(s, i, u, c, false, s.plainClass(u));
          break;
        }
        case Op.KOBJ_WRITE: {
          const c = s.heapCell(w[at + F_B]!);
          this.access(s, i, u, c, true, s.plainClass(u));
          this.noteWrite(s, u, c, false, false);
          break;
        }
        case Op.MEM_READ_ONCE:
          this.noteRead(s, u, cellOf(s, o), isAcquire(w[at + F_FN]));
          this.access(s, i, u, cellOf(s, o), false, MARKED);
          break;
        case Op.MEM_WRITE_ONCE:
          this.access(s, i, u, cellOf(s, o), true, MARKED);
          this.noteWrite(s, u, cellOf(s, o), false, isRelease(w[at + F_FN]));
          break;
        // atomics are marked accesses: they race only with a plain access to the same cell
        // (a plain store to a `shared` word that xchg or set_bit also updates)
        case Op.ATOMIC_READ:
          this.noteRead(s, u, cellOf(s, o), isLoadAcquire(w[at + F_FN]));
          this.access(s, i, u, cellOf(s, o), false, MARKED);
          break;
        case Op.ATOMIC_SET:
          this.access(s, i, u, cellOf(s, o), true, MARKED);
          this.noteWrite(s, u, cellOf(s, o), false, isStoreRelease(w[at + F_FN]));
          break;
        case Op.ATOMIC_RMW:
          // a bit lock: test_and_set_bit_lock acquires, clear_bit_unlock releases
          this.noteRead(s, u, cellOf(s, o), isBitLock(w[at + F_FN]));
          this.access(s, i, u, cellOf(s, o), true, MARKED);
          this.noteWrite(s, u, cellOf(s, o), true, isBitUnlock(w[at + F_FN]));
          break;
        case Op.ATOMIC_RMW_ORDERED:
          // smp_mb(); rmw acquiring what the atomic carries; smp_mb()
          this.noteRead(s, u, cellOf(s, o), true);
          join(s.C, u, s.pendAcq, u);
          copy(s.fenceRel, u, s.C, u);
          s.hasFence[u] = 1;
          this.access(s, i, u, cellOf(s, o), true, MARKED);
          this.noteWrite(s, u, cellOf(s, o), true, false);
          s.C.v[u * T + u]!++;
          break;
        case Op.LOCK_ACQUIRE:
          join(s.C, u, s.lockW, o);
          if (!(w[at + F_A]! & LockFlag.READ)) join(s.C, u, s.lockR, o);
          break;
        case Op.LOCK_RELEASE:
          join(w[at + F_A]! & LockFlag.READ ? s.lockR : s.lockW, o, s.C, u);
          s.C.v[u * T + u]!++;
          break;
        case Op.IRQ_ENTER:
          join(s.C, u, s.lines, w[at + F_A]!);
          join(s.C, u, s.exits, w[at + F_CPU]!);
          break;
        case Op.IRQ_EXIT:
          join(s.lines, w[at + F_A]!, s.C, u);
          s.C.v[u * T + u]!++;
          break;
        case Op.SOFTIRQ_ENTER:
          join(s.C, u, s.soft, (w[at + F_A]! >>> 0) % SOFT_KEYS);
          join(s.C, u, s.exits, w[at + F_CPU]!);
          break;
        case Op.RCU_READ_UNLOCK:
          if (w[at + F_A] === 0) {
            join(s.soft, SOFTIRQ_NR.RCU_SOFTIRQ, s.C, u);
            s.C.v[u * T + u]!++;
          }
          break;
        case Op.TASK_END:
          join(s.exits, w[at + F_CPU]!, s.C, u);
          s.C.v[u * T + u]!++;
          break;
        case Op.MARK:
          markSync(s, w, at, u, o);
          break;
        default:
          break;
      }
    }
  }

  /** A read of cell o: remember the release it may pair with; acquire it at once if asked. */
  private noteRead(s: RaceState, u: number, o: number, acquire: boolean): void {
    if (o < 0 || !s.hasWFence[o]) return;
    join(s.pendAcq, u, s.wFence, o);
    if (acquire) join(s.C, u, s.wFence, o);
  }

  /** A write of cell o: the release clock it carries (a read-modify-write keeps the old one). */
  private noteWrite(s: RaceState, u: number, o: number, rmw: boolean, release: boolean): void {
    if (o < 0) return;
    if (release) {
      copy(s.wFence, o, s.C, u);
      s.hasWFence[o] = 1;
      s.C.v[u * s.T + u]!++;
    } else if (s.hasFence[u]) {
      if (rmw && s.hasWFence[o]) join(s.wFence, o, s.fenceRel, u);
      else copy(s.wFence, o, s.fenceRel, u);
      s.hasWFence[o] = 1;
    } else if (!rmw) {
      s.hasWFence[o] = 0;
    }
  }

  /** FastTrack's read and write rules, plain and marked. */
  private access(s: RaceState, i: number, u: number, o: number, write: boolean, cls: number): void {
    if (o < 0) return;
    const T = s.T;
    const cu = s.C.v[u * T + u]!;
    const ord = ++s.ord[((u * s.M + o) * 2 + (write ? 1 : 0)) * 2 + cls]!;
    const sp = o * 2 + PLAIN;
    const sm = o * 2 + MARKED;
    const plain = cls === PLAIN;
    this.check(s, s.wT[sp]!, s.wC[sp]!, s.wSeq[sp]!, s.wOrd[sp]!, true, false, i, u, ord, write, cls);
    if (plain) this.check(s, s.wT[sm]!, s.wC[sm]!, s.wSeq[sm]!, s.wOrd[sm]!, true, true, i, u, ord, write, cls);
    if (write) {
      this.checkReads(s, sp, false, i, u, ord, cls);
      if (plain) this.checkReads(s, sm, true, i, u, ord, cls);
      const sw = o * 2 + cls;
      s.wT[sw] = u;
      s.wC[sw] = cu;
      s.wSeq[sw] = i;
      s.wOrd[sw] = ord;
      s.rT[sp] = EMPTY;
      if (plain) {
        s.rT[sm] = EMPTY;
        s.wT[sm] = EMPTY;
      }
      return;
    }
    const sr = o * 2 + cls;
    const rt = s.rT[sr]!;
    if (rt === SHARED) {
      s.rvC.v[sr * T + u] = cu;
      s.rvSeq.v[sr * T + u] = i;
      s.rvOrd.v[sr * T + u] = ord;
    } else if (rt === EMPTY || rt === u || s.rC[sr]! <= s.C.v[u * T + rt]!) {
      s.rT[sr] = u;
      s.rC[sr] = cu;
      s.rSeq[sr] = i;
      s.rOrd[sr] = ord;
    } else {
      const row = sr * T;
      s.rvC.v.fill(0, row, row + T);
      s.rvC.v[row + rt] = s.rC[sr]!;
      s.rvSeq.v[row + rt] = s.rSeq[sr]!;
      s.rvOrd.v[row + rt] = s.rOrd[sr]!;
      s.rvC.v[row + u] = cu;
      s.rvSeq.v[row + u] = i;
      s.rvOrd.v[row + u] = ord;
      s.rT[sr] = SHARED;
    }
  }

  private checkReads(
    s: RaceState,
    slot: number,
    marked: boolean,
    i: number,
    u: number,
    ord: number,
    cls: number,
  ): void {
    const rt = s.rT[slot]!;
    if (rt === EMPTY) return;
    if (rt !== SHARED) {
      this.check(s, rt, s.rC[slot]!, s.rSeq[slot]!, s.rOrd[slot]!, false, marked, i, u, ord, true, cls);
      return;
    }
    const row = slot * s.T;
    for (let t = 0; t < s.T; t++) {
      const c = s.rvC.v[row + t]!;
      if (c > 0) this.check(s, t, c, s.rvSeq.v[row + t]!, s.rvOrd.v[row + t]!, false, marked, i, u, ord, true, cls);
    }
  }

  /** Is the earlier access (thread pt at clock pc) ordered before thread u now? If not, a race. */
  private check(
    s: RaceState,
    pt: number,
    pc: number,
    pseq: number,
    pord: number,
    pwrite: boolean,
    pmarked: boolean,
    i: number,
    u: number,
    ord: number,
    write: boolean,
    cls: number,
  ): void {
    if (pt < 0 || pt === u || pc <= s.C.v[u * s.T + pt]!) return;
    if (this.cannotInterleave(pseq, i)) return;
    this.raceFound(pseq, pord, pwrite, pmarked, i, ord, write, cls === MARKED);
  }

  /**
   * Two contexts of one CPU: the interrupting one can only come between the other's accesses
   * where that one had irqs (for a softirq: irqs and bottom halves) enabled.
   */
  private cannotInterleave(a: number, b: number): boolean {
    const w = this.w;
    const aa = a * EV_WORDS;
    const bb = b * EV_WORDS;
    if (w[aa + F_CPU] !== w[bb + F_CPU]) return false;
    const ka = w[aa + F_CTX]!;
    const kb = w[bb + F_CTX]!;
    // two tasks' accesses, each in a section its CPU cannot be switched away from (preemption
    // or irqs off): one CPU runs such sections one at a time, as if under a lock of its own
    if (ka === Ctx.TASK && kb === Ctx.TASK && nonPreemptible(w, aa) && nonPreemptible(w, bb)) return true;
    const lower = PRIO[ka]! < PRIO[kb]! ? aa : bb;
    const higher = lower === aa ? kb : ka;
    if (w[lower + F_FLAGS]! & EvFlag.IRQS_DISABLED) return true;
    return higher === Ctx.SOFTIRQ && (w[lower + F_PCOUNT]! & SOFTIRQ_MASK) !== 0;
  }

  private raceFound(
    pseq: number,
    pord: number,
    pwrite: boolean,
    pmarked: boolean,
    i: number,
    ord: number,
    write: boolean,
    marked: boolean,
  ): void {
    const t = this.t;
    const L: Layout = t.layout;
    const at = i * EV_WORDS;
    const o = this.w[at + F_OBJ]!;
    // a kmalloc object's field is known across trials by its field, not its handle
    const op = this.w[at + F_OP]!;
    const heap = op === Op.KOBJ_READ || op === Op.KOBJ_WRITE ? this.w[at + F_B]! : -1;
    // the pair as one number (object or field, and each side's cpu, context, kind and ordinal),
    // so that the common case, a race already reported, costs no allocation
    const ka = this.sideKey(pseq, pwrite, pmarked, pord);
    const kb = this.sideKey(i, write, marked, ord);
    const pair = Math.min(ka, kb) * 2 ** 22 + Math.max(ka, kb);
    const key = heap >= 0 ? -(kobjField(heap) + 1) * 2 ** 44 - pair : (o % 512) * 2 ** 44 + pair;
    const prev = this.known.get(key);
    if (prev) {
      if (prev.trial === this.trials) return;
      prev.trial = this.trials;
      this.report(prev.finding);
      return;
    }
    const a = accessAt(this.t, pseq, pwrite, pmarked, pord);
    const b = accessAt(this.t, i, write, marked, ord);
    const halves = [position(a), position(b)].sort();
    const obj = L.objects[o];
    const what = heap >= 0 ? `kobj+${kobjField(heap) * 4}` : (obj?.key ?? o);
    const signature = `data-race:${what}:${halves.join('|')}`;
    const data: RaceData = { obj: o, accesses: [a, b], ...(heap >= 0 ? { heap } : {}) };
    const finding: RaceFinding = {
      kind: 'data-race',
      signature,
      title: `BUG: KCSAN: data-race in ${[a.fn, b.fn].sort().join(' / ')}`,
      cpus: [...new Set([a.cpu, b.cpu])].sort((x, y) => x - y),
      locks: [],
      refs: [a.ref, b.ref],
      detector: RACES,
      data,
    };
    this.known.set(key, { finding, trial: this.trials });
    this.report(finding);
  }

  private sideKey(seq: number, write: boolean, marked: boolean, ordinal: number): number {
    const at = seq * EV_WORDS;
    return (
      ((ordinal & 0xfff) << 10) |
      ((this.w[at + F_CPU]! & 63) << 4) |
      ((this.w[at + F_CTX]! & 3) << 2) |
      (write ? 2 : 0) |
      (marked ? 1 : 0)
    );
  }
}

/** The shadow cell of declared object `obj`, -1 when it is not memory. */
function cellOf(s: RaceState, obj: number): number {
  return s.cellOf[obj] ?? -1;
}

export function createRaceDetector(): Detector<RaceData, 'data-race'> {
  return new RaceDetector();
}
