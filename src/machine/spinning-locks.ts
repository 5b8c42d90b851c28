/**
 * Spinlocks and rwlocks as stress mode takes them, with every CPU running at once: one atomic
 * attempt on the lock word, and while it fails a bounded exponential backoff, publishing the
 * lock waited for in the context entry (the watchdog's wait-for state). The release event is
 * stamped before the lock word is released, so the next owner's acquisition always comes later
 * in the log. Other kinds take the common path (locks.ts), waiting turn by turn.
 */
import { LockFlag, Op } from './events.ts';
import { CX, type ObjectInfo } from './layout.ts';
import { O } from './object-words.ts';
import type { CpuRuntime } from './runtime.ts';
import type { LockPath } from './run-policy.ts';

/** Longest backoff between two tries of a busy lock, in polls. */
export const MAX_BACKOFF = 256;

export class SpinningLocks implements LockPath {
  private readonly m: Int32Array;

  /** @param backoff polls the machine's state, then lets `n` polls pass */
  constructor(
    private readonly rt: CpuRuntime,
    private readonly backoff: (n: number) => void,
  ) {
    this.m = rt.m;
  }

  covers(obj: number): boolean {
    const kind = this.rt.L.objects[obj]!.kind;
    return kind === 'spinlock' || kind === 'rwlock' || kind === 'seqlock';
  }

  acquire(obj: number, flags: number, fn: number): boolean {
    const rt = this.rt;
    const info = rt.L.objects[obj]!;
    const m = this.m;
    if (!this.tryTake(info, flags)) {
      const seq = rt.emit(Op.LOCK_CONTENDED, obj, flags, 0, fn);
      const e = rt.L.ctxEntry(rt.agent, rt.depth() - 1);
      m[e + CX.WAIT_FLAGS] = flags;
      m[e + CX.WAIT_SEQ] = seq;
      Atomics.store(m, e + CX.WAIT_OBJ, obj);
      const writer = info.kind === 'rwlock' && !(flags & LockFlag.READ);
      if (writer) Atomics.add(m, info.offset + O.AUX, 1);
      for (let n = 1; !this.tryTake(info, flags); n = Math.min(2 * n, MAX_BACKOFF)) this.backoff(n);
      if (writer) Atomics.sub(m, info.offset + O.AUX, 1);
      Atomics.store(m, e + CX.WAIT_OBJ, -1);
    }
    rt.locks.acquired(obj, flags, fn, true);
    return true;
  }

  tryAcquire(obj: number, flags: number, fn: number): boolean {
    const rt = this.rt;
    if (!this.tryTake(rt.L.objects[obj]!, flags)) {
      rt.emit(Op.TRYLOCK_FAILED, obj, flags, 0, fn);
      return false;
    }
    rt.locks.acquired(obj, flags, fn, true);
    return true;
  }

  release(obj: number, flags: number, fn: number): void {
    const rt = this.rt;
    const info = rt.L.objects[obj]!;
    const held = rt.locks.findHeld(obj);
    if (held >= 0) rt.locks.removeHeld(held);
    rt.emit(Op.LOCK_RELEASE, obj, held >= 0 ? flags : flags | LockFlag.NOT_HELD, held + 1, fn);
    const m = this.m;
    const at = info.offset;
    if (info.kind === 'spinlock' || info.kind === 'seqlock') Atomics.store(m, at + O.WORD, 0);
    else if (flags & LockFlag.READ) {
      if (Atomics.load(m, at + O.WORD) > 0) Atomics.sub(m, at + O.WORD, 1);
    } else Atomics.store(m, at + O.OWNER, 0);
  }

  /**
   * One atomic attempt. rwlock: a writer claims OWNER then backs off if readers are in; a
   * reader counts itself in then backs off if a writer owns it (sequentially consistent
   * Atomics: one of the two always sees the other). A task-context reader also yields to
   * waiting writers (queued rwlock).
   */
  private tryTake(info: ObjectInfo, flags: number): boolean {
    const m = this.m;
    const at = info.offset;
    const me = this.rt.cpu + 1;
    // a seqlock's writers take its spinlock, WORD as a spinlock's
    if (info.kind === 'spinlock' || info.kind === 'seqlock')
      return Atomics.compareExchange(m, at + O.WORD, 0, me) === 0;
    if (!(flags & LockFlag.READ)) {
      if (Atomics.compareExchange(m, at + O.OWNER, 0, me) !== 0) return false;
      if (Atomics.load(m, at + O.WORD) === 0) return true;
      Atomics.store(m, at + O.OWNER, 0);
      return false;
    }
    if (Atomics.load(m, at + O.OWNER) !== 0) return false;
    if (!(flags & LockFlag.RECURSIVE) && Atomics.load(m, at + O.AUX) !== 0) return false;
    Atomics.add(m, at + O.WORD, 1);
    if (Atomics.load(m, at + O.OWNER) === 0) return true;
    Atomics.sub(m, at + O.WORD, 1);
    return false;
  }
}
