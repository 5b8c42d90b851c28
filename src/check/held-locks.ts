/**
 * The one reader of the held-lock record for every detector: it rebuilds, from the events, the
 * held-lock stack of each context. Lockdep drives it itself (it validates between finding the
 * stack and pushing on it); the other detectors let `follow` do everything.
 *
 * Held-lock stacks, one per context. A task's stack follows the task (its pid), so tasks
 * sharing a CPU keep theirs apart; hardirq and softirq handlers nest on the interrupted task's
 * CPU and get a fresh stack per activation, like the kernel's irq_context boundary inside
 * held_locks: no dependency is ever recorded across that boundary.
 *
 * Storage is typed arrays reused across trials; nothing is allocated per event.
 */
import { Ctx, F_CPU, F_CTX, F_OBJ, F_OP, F_TID, Op } from '../machine/events.ts';
import { HELD_MAX } from '../machine/capacities.ts';
import type { Layout } from '../machine/layout.ts';
import type { EventRef } from './detector.ts';
import { lockTypeOf } from './lockdep/lock-types.ts';

/** A lock some context holds, and the event that took it. */
export interface HeldLock {
  obj: number;
  ref: EventRef;
}

export class HeldStack {
  n = 0;
  readonly obj = new Int32Array(HELD_MAX);
  readonly cls = new Int32Array(HELD_MAX);
  /** 0 exclusive, 1 shared, 2 recursive shared (the kernel's held_lock.read) */
  readonly read = new Uint8Array(HELD_MAX);
  readonly trylock = new Uint8Array(HELD_MAX);
  /** seq of the event that validated the acquisition (its call site is the acquire ip) */
  readonly seq = new Int32Array(HELD_MAX);
  /** An acquisition validated at LOCK_CONTENDED that has not reached LOCK_ACQUIRE yet. */
  pendingObj = -1;
  pendingSeq = -1;

  constructor(public kind: number = Ctx.TASK) {}

  reset(kind: number): void {
    this.kind = kind;
    this.n = 0;
    this.pendingObj = -1;
    this.pendingSeq = -1;
  }

  push(obj: number, cls: number, read: number, trylock: number, seq: number): void {
    const i = this.n;
    // Past the kernel's MAX_LOCK_DEPTH lockdep gives up tracking; so do we (the lock is
    // still released cleanly because release looks it up and ignores what it cannot find).
    if (i >= HELD_MAX) return;
    this.obj[i] = obj;
    this.cls[i] = cls;
    this.read[i] = read;
    this.trylock[i] = trylock;
    this.seq[i] = seq;
    this.n = i + 1;
  }

  /** Index of the innermost entry for `obj`, -1 when this context does not hold it. */
  find(obj: number): number {
    for (let i = this.n - 1; i >= 0; i--) if (this.obj[i] === obj) return i;
    return -1;
  }

  removeAt(i: number): void {
    const last = this.n - 1;
    if (i < last) {
      this.obj.copyWithin(i, i + 1, this.n);
      this.cls.copyWithin(i, i + 1, this.n);
      this.read.copyWithin(i, i + 1, this.n);
      this.trylock.copyWithin(i, i + 1, this.n);
      this.seq.copyWithin(i, i + 1, this.n);
    }
    this.n = last;
  }
}

/** Interrupt nesting allowed on one CPU (the machine's CTX_MAX less the task). */
const MAX_IRQ_NESTING = 8;

export class Contexts {
  private readonly tasks = new Map<number, HeldStack>();
  private readonly spare: HeldStack[] = [];
  /** per CPU: interrupt frames, innermost last */
  private frames: HeldStack[][] = [];
  private depth = new Int32Array(0);
  /** per CPU: the task stack used last, so the common case costs no Map lookup */
  private lastPid = new Int32Array(0);
  private lastTask: (HeldStack | undefined)[] = [];

  /** Forget every held lock: a trial starts on a fresh machine. */
  reset(ncpus: number): void {
    for (const s of this.tasks.values()) this.spare.push(s);
    this.tasks.clear();
    if (this.frames.length !== ncpus) {
      this.frames = Array.from({ length: ncpus }, () =>
        Array.from({ length: MAX_IRQ_NESTING }, () => new HeldStack(Ctx.HARDIRQ)),
      );
      this.depth = new Int32Array(ncpus);
      this.lastPid = new Int32Array(ncpus);
      this.lastTask = new Array<HeldStack | undefined>(ncpus);
    }
    this.depth.fill(0);
    this.lastPid.fill(-1);
    this.lastTask.fill(undefined);
  }

  task(cpu: number, pid: number): HeldStack {
    if (this.lastPid[cpu] === pid) return this.lastTask[cpu]!;
    let s = this.tasks.get(pid);
    if (!s) {
      s = this.spare.pop() ?? new HeldStack();
      s.reset(Ctx.TASK);
      this.tasks.set(pid, s);
    }
    this.lastPid[cpu] = pid;
    this.lastTask[cpu] = s;
    return s;
  }

  /** The stack of the context an event of kind `ctx` ran in. */
  current(cpu: number, ctx: number, pid: number): HeldStack {
    if (ctx === Ctx.TASK) return this.task(cpu, pid);
    // An interrupt event without its ENTER (a log cut short) still gets a context of its own.
    if (this.depth[cpu] === 0) this.enter(cpu, ctx);
    return this.frames[cpu]![this.depth[cpu]! - 1]!;
  }

  enter(cpu: number, ctx: number): void {
    const d = this.depth[cpu]!;
    if (d >= MAX_IRQ_NESTING) return;
    this.frames[cpu]![d]!.reset(ctx);
    this.depth[cpu] = d + 1;
  }

  exit(cpu: number): void {
    if (this.depth[cpu]! > 0) this.depth[cpu]!--;
  }

  /**
   * Everything the task running on `cpu` holds, outermost first: its own stack, then each
   * interrupt nested on it. This is what the kernel's per-task held_locks array holds, and
   * what reports list and local_irq_enable marks. Fills `out` (no allocation on hot paths)
   * and returns how many stacks it holds.
   */
  fillChain(cpu: number, pid: number, out: HeldStack[]): number {
    out[0] = this.task(cpu, pid);
    const d = this.depth[cpu]!;
    for (let i = 0; i < d; i++) out[i + 1] = this.frames[cpu]![i]!;
    return d + 1;
  }

  chain(cpu: number, pid: number): HeldStack[] {
    const out: HeldStack[] = [];
    this.fillChain(cpu, pid, out);
    return out;
  }
}

/**
 * Whether a lock goes on a held-lock stack: only locks with an owner do (a counting semaphore,
 * released by whoever calls up(), is on nobody's stack, as in the kernel).
 */
export function isHeldKind(L: Layout, obj: number): boolean {
  const info = L.objects[obj];
  return info !== undefined && lockTypeOf(info.kind).validated;
}

/** Held locks of every context of a trial, rebuilt event by event (storage reused across trials). */
export class HeldLocks {
  readonly contexts = new Contexts();
  private readonly chainBuf: HeldStack[] = [];
  private L: Layout | undefined;
  private trial = -1;

  /** A trial starts on a fresh machine: nothing is held. */
  begin(L: Layout, trial: number): void {
    this.L = L;
    this.trial = trial;
    this.contexts.reset(L.ncpus);
  }

  /** Apply event `seq` (at word offset `o` of `w`): acquisitions, releases, irq entry and exit. */
  follow(w: Int32Array, o: number, seq: number): void {
    switch (w[o + F_OP]) {
      case Op.LOCK_ACQUIRE: {
        const obj = w[o + F_OBJ]!;
        if (this.L && isHeldKind(this.L, obj))
          this.contexts.current(w[o + F_CPU]!, w[o + F_CTX]!, w[o + F_TID]!).push(obj, -1, 0, 0, seq);
        break;
      }
      case Op.LOCK_RELEASE: {
        const obj = w[o + F_OBJ]!;
        if (!this.L || !isHeldKind(this.L, obj)) break;
        const stack = this.contexts.current(w[o + F_CPU]!, w[o + F_CTX]!, w[o + F_TID]!);
        const i = stack.find(obj);
        if (i >= 0) stack.removeAt(i);
        break;
      }
      case Op.IRQ_ENTER:
        this.contexts.enter(w[o + F_CPU]!, Ctx.HARDIRQ);
        break;
      case Op.SOFTIRQ_ENTER:
        this.contexts.enter(w[o + F_CPU]!, Ctx.SOFTIRQ);
        break;
      case Op.IRQ_EXIT:
      case Op.SOFTIRQ_EXIT:
        this.contexts.exit(w[o + F_CPU]!);
        break;
      default:
        break;
    }
  }

  /** What the task running on `cpu` holds, with the interrupts nested on it, outermost first. */
  heldBy(cpu: number, pid: number): HeldLock[] {
    const out: HeldLock[] = [];
    const n = this.contexts.fillChain(cpu, pid, this.chainBuf);
    for (let k = 0; k < n; k++) {
      const s = this.chainBuf[k]!;
      for (let i = 0; i < s.n; i++) out.push({ obj: s.obj[i]!, ref: { trial: this.trial, seq: s.seq[i]! } });
    }
    return out;
  }

  /** What the task itself holds (no interrupt frames), outermost first. */
  heldByTask(cpu: number, pid: number): HeldLock[] {
    const s = this.contexts.task(cpu, pid);
    const out: HeldLock[] = [];
    for (let i = 0; i < s.n; i++) out.push({ obj: s.obj[i]!, ref: { trial: this.trial, seq: s.seq[i]! } });
    return out;
  }
}
