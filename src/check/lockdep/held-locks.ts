/**
 * Held-lock stacks, one per context. A task's stack follows the task (its pid), so tasks
 * sharing a CPU keep theirs apart; hardirq and softirq handlers nest on the interrupted task's
 * CPU and get a fresh stack per activation, like the kernel's irq_context boundary inside
 * held_locks: no dependency is ever recorded across that boundary.
 *
 * Storage is typed arrays reused across trials; nothing is allocated per event.
 */
import { Ctx } from '../../machine/events.ts';
import { HELD_MAX } from '../../machine/capacities.ts';

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
