/**
 * A CPU in stress mode: no baton, every CPU runs at once on its own thread.
 *
 *   point()     no hand-off: it is where the CPU raises random interrupts (the IRQ source) and
 *               takes the lines pending for it when its irqs are on
 *   emit()      the event's seq comes from Atomics.add on the event count, so the log is a
 *               linearization of what the CPUs did
 *   acquire()   spinlocks and rwlocks spin on Atomics.compareExchange with a bounded backoff,
 *               publishing the lock they wait for in their context entry (the watchdog's
 *               wait-for state); other lock kinds wait in the base class's loop, one backoff
 *               step per decideLoop()
 *   release()   the event is stamped before the lock word is released, so the next owner's
 *               acquisition always comes later in the log
 *
 * A task that returns counts itself done; the CPU then idles, taking interrupts, until every
 * task of the trial is done.
 */
import { LockFlag, Op } from './events.ts';
import { C, CX, H, LN, TrialState, type Layout, type ObjectInfo } from './layout.ts';
import { O } from './object-words.ts';
import { CpuRuntime } from './runtime.ts';
import { BatchStop, TrialOver } from './control-flow.ts';
import { runIrq } from './agent-run.ts';
import type { ScenarioDef } from './declarations.ts';
import type { Strategy } from '../sched/strategy.ts';
import { pendingWord, SC } from './stress-control.ts';

/** Nobody is asked anything in stress mode. */
const NO_STRATEGY: Strategy = { beginTrial: () => true, choose: () => 0 };
/** Longest backoff between two tries of a busy lock, in polls. */
const MAX_BACKOFF = 256;
/** About one scheduling point in IRQ_ODDS raises an interrupt somewhere. */
const IRQ_ODDS = 32;

export class StressRuntime extends CpuRuntime {
  readonly ctl: Int32Array;
  private rng: number;
  private countedDone = false;
  private readonly progress: number;
  private readonly pending: number;

  constructor(L: Layout, def: ScenarioDef, sab: SharedArrayBuffer, cpu: number, ctl: SharedArrayBuffer, seed: number) {
    super(L, def, sab, cpu, NO_STRATEGY);
    this.ctl = new Int32Array(ctl);
    this.rng = (Math.imul(seed | 0, 0x9e3779b1) ^ (cpu + 1) * 0x85ebca6b) | 1;
    this.progress = SC.PROGRESS + cpu;
    this.pending = pendingWord(L.ncpus, cpu);
    this.localTrial = 0; // a fresh buffer's trial word: the closer's first trial is 1
  }

  /** A new trial on this CPU. */
  beginTrial(): void {
    this.syncTrial();
    this.countedDone = false;
  }

  // ---------------------------------------------------------------- points and interrupts

  override point(): void {
    if (this.unwinding) throw new TrialOver();
    this.poll();
  }

  /** Stop and trial-end checks, the IRQ source, and pending interrupts. */
  private poll(): void {
    const m = this.m;
    if (Atomics.load(m, H.STOP) !== 0) {
      this.unwinding = this.nested > 0;
      throw new BatchStop();
    }
    const state = Atomics.load(m, H.TSTATE);
    if (state !== TrialState.RUNNING) {
      // every task is done: a handler still running finishes first (check() sees its effects)
      if (state !== TrialState.DONE || this.depth() === 0) this.leave();
      return;
    }
    if (this.L.lines.length === 0) return;
    this.raiseSometimes();
    if (m[this.me + C.IRQS_OFF] === 0 && Atomics.load(this.ctl, this.pending) !== 0) this.takeIrqs();
  }

  private leave(): never {
    this.unwinding = this.nested > 0;
    throw new TrialOver();
  }

  private next(): number {
    let x = this.rng;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (this.rng = x) >>> 0;
  }

  /** The IRQ source: now and then raise a line with budget left on one of its CPUs. */
  private raiseSometimes(): void {
    const r = this.next();
    if (r % IRQ_ODDS !== 0) return;
    const L = this.L;
    const l = (r >>> 8) % L.lines.length;
    if (l >= 31 || Atomics.load(this.m, L.line(l) + LN.FIRES_LEFT) <= 0) return;
    const cpus = L.lines[l]!.cpus;
    const c = cpus[(r >>> 16) % cpus.length]!;
    Atomics.or(this.ctl, pendingWord(L.ncpus, c), 1 << l);
  }

  /** Take the lines pending here; a line already running on another CPU stays masked. */
  private takeIrqs(): void {
    const m = this.m;
    let bits = Atomics.exchange(this.ctl, this.pending, 0);
    while (bits !== 0) {
      const l = 31 - Math.clz32(bits);
      bits &= ~(1 << l);
      const lb = this.L.line(l);
      if (Atomics.compareExchange(m, lb + LN.ACTIVE, 0, 1) !== 0) continue;
      if (m[lb + LN.FIRES_LEFT]! <= 0) {
        Atomics.store(m, lb + LN.ACTIVE, 0);
        continue;
      }
      runIrq(this, l);
      Atomics.store(m, lb + LN.ACTIVE, 0);
    }
  }

  // ---------------------------------------------------------------- events

  override emit(op: number, obj: number, a: number, b: number, fn: number): number {
    const m = this.m;
    const seq = Atomics.add(m, H.NEV, 1);
    if (seq >= this.L.limits.maxEvents) {
      Atomics.compareExchange(m, H.TSTATE, TrialState.RUNNING, TrialState.STEP_LIMIT);
      this.leave();
    }
    this.writeEvent(seq, op, obj, a, b, fn, 0);
    this.ctl[this.progress] = this.ctl[this.progress]! + 1;
    return seq;
  }

  override endTrial(state: number): never {
    const m = this.m;
    if (Atomics.compareExchange(m, H.TSTATE, TrialState.RUNNING, state) === TrialState.RUNNING) {
      m[H.END_CPU] = this.cpu;
      Atomics.notify(m, H.TSTATE);
    }
    this.leave();
  }

  // ---------------------------------------------------------------- waiting

  /**
   * Called by the base class where controlled mode would hand the baton on: a wait for a lock
   * the base class takes (one backoff step), or the end of the task (idle until the trial ends).
   */
  override decideLoop(): void {
    if (this.depth() === 0) this.idle();
    this.backoff(4);
  }

  /** The task is done (or there is none): take interrupts until every task is done. */
  idle(): never {
    const m = this.m;
    if (!this.countedDone && this.task) {
      this.countedDone = true;
      if (Atomics.add(this.ctl, SC.DONE_TASKS, 1) + 1 >= this.def.tasks.length) {
        Atomics.compareExchange(m, H.TSTATE, TrialState.RUNNING, TrialState.DONE);
        Atomics.notify(m, H.TSTATE);
      }
    }
    for (let i = 0; ; i++) {
      this.poll();
      if (i > 64) Atomics.wait(m, H.TSTATE, TrialState.RUNNING, 1);
    }
  }

  private backoff(n: number): void {
    this.poll();
    const m = this.m;
    for (let i = Math.min(n, MAX_BACKOFF); i > 0; i--) Atomics.load(m, H.STOP);
  }

  // ---------------------------------------------------------------- locks

  override acquire(obj: number, flags: number, fn: number): boolean {
    const info = this.L.objects[obj]!;
    if (info.kind !== 'spinlock' && info.kind !== 'rwlock') return (super.acquire(obj, flags, fn) as unknown) !== false;
    const m = this.m;
    if (!this.tryTake(info, flags)) {
      const seq = this.emit(Op.LOCK_CONTENDED, obj, flags, 0, fn);
      const e = this.L.ctxEntry(this.cpu, this.depth() - 1);
      m[e + CX.WAIT_FLAGS] = flags;
      m[e + CX.WAIT_SEQ] = seq;
      Atomics.store(m, e + CX.WAIT_OBJ, obj);
      const writer = info.kind === 'rwlock' && !(flags & LockFlag.READ);
      if (writer) Atomics.add(m, info.offset + O.AUX, 1);
      for (let n = 1; !this.tryTake(info, flags); n = Math.min(2 * n, MAX_BACKOFF)) this.backoff(n);
      if (writer) Atomics.sub(m, info.offset + O.AUX, 1);
      Atomics.store(m, e + CX.WAIT_OBJ, -1);
    }
    this.locks.acquired(obj, flags, fn, true);
    return true;
  }

  override tryAcquire(obj: number, flags: number, fn: number): boolean {
    const info = this.L.objects[obj]!;
    if (info.kind !== 'spinlock' && info.kind !== 'rwlock') return super.tryAcquire(obj, flags, fn);
    if (!this.tryTake(info, flags)) {
      this.emit(Op.TRYLOCK_FAILED, obj, flags, 0, fn);
      return false;
    }
    this.locks.acquired(obj, flags, fn, true);
    return true;
  }

  override release(obj: number, flags: number, fn: number): void {
    const info = this.L.objects[obj]!;
    if (info.kind !== 'spinlock' && info.kind !== 'rwlock') return super.release(obj, flags, fn);
    const held = this.locks.findHeld(obj);
    if (held >= 0) this.locks.removeHeld(held);
    this.emit(Op.LOCK_RELEASE, obj, held >= 0 ? flags : flags | LockFlag.NOT_HELD, held + 1, fn);
    const m = this.m;
    const at = info.offset;
    if (info.kind === 'spinlock') Atomics.store(m, at + O.WORD, 0);
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
    const me = this.cpu + 1;
    if (info.kind === 'spinlock') return Atomics.compareExchange(m, at + O.WORD, 0, me) === 0;
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
