/**
 * Locks, as one agent takes them: acquire (waiting, not enabled, while the lock is busy; a
 * sleeping lock's waiter blocks), trylock, release, waiting for an object without taking it,
 * and the agent's held-lock stack in its block of the buffer, the one record of what it holds
 * (src/check/held-locks.ts reads it back from events). What a kind's words mean is its lock-words entry;
 * whether it has an owner, or sleeps, its entry in object-kinds.ts.
 */
import { LockFlag, Op } from './events.ts';
import { C, CX, H, HL, TrialState, type Layout } from './layout.ts';
import { HELD_MAX } from './capacities.ts';
import { lockWords, objectKind } from './object-kinds.ts';
import { WAIT_KEY_SHIFT, WAIT_WOKEN, waiterKey } from './wait.ts';
import type { CpuRuntime } from './runtime.ts';

export class Locks {
  private readonly m: Int32Array;
  private readonly L: Layout;
  private readonly agent: number;
  /** offset of the agent's block */
  private readonly me: number;

  constructor(private readonly rt: CpuRuntime) {
    this.m = rt.m;
    this.L = rt.L;
    this.agent = rt.agent;
    this.me = rt.me;
  }

  /**
   * Take lock `obj` (LockFlag bits in `flags`), waiting while it is busy. A sleeping lock's
   * waiter blocks (BLOCK event). `waitMode` (wait.ts WAIT_TIMEOUT / WAIT_SIGNAL) lets the
   * strategy end the wait early: then nothing is taken and the result is false.
   */
  acquire(obj: number, flags: number, fn: number, waitMode = 0, deadline = 0): boolean {
    const m = this.m;
    const info = this.L.objects[obj]!;
    const kind = objectKind(info.kind);
    const ops = lockWords(info.kind);
    if (!ops.canTake(m, info.offset, flags)) {
      const seq = this.rt.emit(Op.LOCK_CONTENDED, obj, flags, 0, fn);
      if (kind.sleeps) this.rt.block(obj, fn);
      const d = this.rt.depth() - 1;
      const e = this.L.ctxEntry(this.agent, d);
      const wf = flags | waitMode | (waiterKey(this.agent, d) << WAIT_KEY_SHIFT);
      m[e + CX.WAIT_OBJ] = obj;
      m[e + CX.WAIT_FLAGS] = wf;
      m[e + CX.WAIT_SEQ] = seq;
      m[e + CX.DEADLINE] = deadline;
      if (waitMode !== 0) m[H.WAKEABLE] = m[H.WAKEABLE]! + 1;
      ops.waitBegin?.(m, info.offset, wf);
      // spinning on a lock held by the code this context interrupted: nothing on this CPU can
      // release it, whatever the other CPUs go on doing
      if (this.heldBelow(obj, d)) this.rt.endTrial(TrialState.DEADLOCK);
      let woken = false;
      for (;;) {
        this.rt.waitTurn();
        if (ops.canTake(m, info.offset, wf)) break;
        if ((woken = (m[e + CX.WAIT_FLAGS]! & WAIT_WOKEN) !== 0)) break;
      }
      if (waitMode !== 0) m[H.WAKEABLE] = m[H.WAKEABLE]! - 1;
      ops.waitEnd?.(m, info.offset, wf);
      m[e + CX.WAIT_OBJ] = -1;
      if (woken) {
        this.rt.emit(Op.WAKE, obj, this.rt.cpu, this.rt.pid(), fn);
        return false;
      }
    }
    ops.take(m, info.offset, flags, this.rt.cpu, this.rt.pid());
    this.acquired(obj, flags, fn, kind.owned);
    return true;
  }

  /** Try once; true when taken. A failed try is an event but takes nothing. */
  tryAcquire(obj: number, flags: number, fn: number): boolean {
    const info = this.L.objects[obj]!;
    const ops = lockWords(info.kind);
    if (!ops.canTake(this.m, info.offset, flags)) {
      this.rt.emit(Op.TRYLOCK_FAILED, obj, flags, 0, fn);
      return false;
    }
    ops.take(this.m, info.offset, flags, this.rt.cpu, this.rt.pid());
    this.acquired(obj, flags, fn, objectKind(info.kind).owned);
    return true;
  }

  release(obj: number, flags: number, fn: number): void {
    const info = this.L.objects[obj]!;
    const ops = lockWords(info.kind);
    ops.release(this.m, info.offset, flags);
    const owned = objectKind(info.kind).owned;
    const held = owned ? this.findHeld(obj) : -1;
    if (held >= 0) this.removeHeld(held);
    this.rt.emit(Op.LOCK_RELEASE, obj, held >= 0 || !owned ? flags : flags | LockFlag.NOT_HELD, held + 1, fn);
  }

  /**
   * downgrade_write(): the caller's write hold of `obj` becomes a read hold with nobody let in
   * between. Lockdep sees the write released and the read taken (the kernel's lock_downgrade()
   * rewrites the held entry in place). Not write-held: a release flagged NOT_HELD.
   */
  downgrade(obj: number, flags: number, fn: number): void {
    const info = this.L.objects[obj]!;
    const held = this.findHeld(obj);
    const m = this.m;
    const writeHeld = held >= 0 && (m[this.L.heldEntry(this.agent, held) + HL.FLAGS]! & LockFlag.READ) === 0;
    if (!writeHeld || !lockWords(info.kind).downgrade?.(m, info.offset)) {
      this.rt.emit(Op.LOCK_RELEASE, obj, flags | LockFlag.NOT_HELD, 0, fn);
      return;
    }
    this.removeHeld(held);
    this.rt.emit(Op.LOCK_RELEASE, obj, 0, held + 1, fn);
    this.acquired(obj, flags | LockFlag.READ, fn, true);
  }

  /**
   * Lockdep's acquire and release of `obj`'s map, taking nothing: a seqlock reader's
   * seqcount_lockdep_reader_access(). Validated as a use of the lock's class; its words are left alone.
   */
  touchMap(obj: number, flags: number, fn: number): void {
    this.acquired(obj, flags, fn, true);
    const held = this.heldCount() - 1;
    this.removeHeld(held);
    this.rt.emit(Op.LOCK_RELEASE, obj, flags, held + 1, fn);
  }

  /** The LOCK_ACQUIRE of a lock just taken, and its held-stack entry when it has an owner. */
  acquired(obj: number, flags: number, fn: number, owned: boolean): void {
    const slot = owned ? this.heldCount() + 1 : 0;
    const seq = this.rt.emit(Op.LOCK_ACQUIRE, obj, flags, slot, fn);
    if (owned) this.pushHeld(obj, flags, seq);
  }

  isLocked(obj: number): boolean {
    const info = this.L.objects[obj]!;
    return !lockWords(info.kind).canTake(this.m, info.offset, 0);
  }

  private pushHeld(obj: number, flags: number, seq: number): void {
    const m = this.m;
    const n = m[this.me + C.HELD_N]!;
    if (n >= HELD_MAX) throw new Error(`more than ${HELD_MAX} locks held (MAX_LOCK_DEPTH)`);
    const e = this.L.heldEntry(this.agent, n);
    m[e + HL.OBJ] = obj;
    m[e + HL.FLAGS] = flags;
    m[e + HL.SEQ] = seq;
    m[e + HL.CTXI] = this.rt.depth() - 1;
    m[this.me + C.HELD_N] = n + 1;
  }

  /** Is `obj` held by a context below depth `d` of this agent (code that context interrupted)? */
  private heldBelow(obj: number, d: number): boolean {
    const m = this.m;
    for (let i = m[this.me + C.HELD_N]! - 1; i >= 0; i--) {
      const e = this.L.heldEntry(this.agent, i);
      if (m[e + HL.OBJ] === obj && m[e + HL.CTXI]! < d) return true;
    }
    return false;
  }

  /** Index of `obj` in the held stack, taken by the current context; -1 when not held. */
  findHeld(obj: number): number {
    const m = this.m;
    const ctxi = this.rt.depth() - 1;
    for (let i = m[this.me + C.HELD_N]! - 1; i >= 0; i--) {
      const e = this.L.heldEntry(this.agent, i);
      if (m[e + HL.OBJ] === obj && m[e + HL.CTXI] === ctxi) return i;
    }
    return -1;
  }

  /** The LockFlag bits the current context holds `obj` with; -1 when it does not hold it. */
  heldFlags(obj: number): number {
    const i = this.findHeld(obj);
    return i < 0 ? -1 : this.m[this.L.heldEntry(this.agent, i) + HL.FLAGS]!;
  }

  removeHeld(i: number): void {
    const m = this.m;
    const n = m[this.me + C.HELD_N]!;
    const from = this.L.heldEntry(this.agent, i + 1);
    const to = this.L.heldEntry(this.agent, i);
    m.copyWithin(to, from, this.L.heldEntry(this.agent, n));
    m[this.me + C.HELD_N] = n - 1;
  }

  heldCount(): number {
    return this.m[this.me + C.HELD_N]!;
  }

  /**
   * Wait, not enabled, until object `obj` would let a context take it with `flags` (its
   * lock-words entry says), without taking it: flush_work, a kworker's empty queue.
   */
  waitUntil(obj: number, flags: number, seq: number): void {
    const m = this.m;
    const info = this.L.objects[obj]!;
    const ops = lockWords(info.kind);
    if (ops.canTake(m, info.offset, flags)) return;
    const e = this.L.ctxEntry(this.agent, this.rt.depth() - 1);
    m[e + CX.WAIT_OBJ] = obj;
    m[e + CX.WAIT_FLAGS] = flags;
    m[e + CX.WAIT_SEQ] = seq;
    do this.rt.waitTurn();
    while (!ops.canTake(m, info.offset, flags));
    m[e + CX.WAIT_OBJ] = -1;
  }
}
