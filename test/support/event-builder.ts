/**
 * Builds event logs the way the machine emits them, for feeding detectors without a machine:
 * one Int32Array of EV_WORDS records, every record stamped with its CPU, context, preempt
 * count, irq flag and the pid it runs for, and a call-site string per event.
 *
 *   const b = new EventBuilder(layout);
 *   b.on(0).spin_lock('a', 'abba.ts:10').spin_lock('b', 'abba.ts:11') …
 *   b.on(0).irq(0, () => b.spin_lock('a'));
 *   const { log, sites } = b.build();
 */
import {
  Ctx,
  EV_WORDS,
  EventLog,
  HARDIRQ_OFFSET,
  KFN_NAMES,
  LockFlag,
  Op,
  PREEMPT_OFFSET,
  SOFTIRQ_DISABLE_OFFSET,
  SOFTIRQ_OFFSET,
} from '../../src/machine/events.ts';
import type { ObjectDecl, ObjectKind, ScenarioDef } from '../../src/machine/declarations.ts';
import { FIRST_PID, Layout } from '../../src/machine/layout.ts';
import { writeEventRecord } from '../../src/machine/event-record.ts';

interface CpuState {
  pcount: number;
  irqsOff: boolean;
  /** context kinds, innermost last; the task at the bottom */
  ctx: number[];
  pid: number;
}

export interface BuiltTrial {
  log: EventLog;
  /** site string by string id (F_SITE); id 0 is "not captured" */
  sites: string[];
}

/** A state declaration as the kernel layer's spinlock(), rwlock() … return it. */
export function decl(kind: ObjectKind, count = 1, init = 0): ObjectDecl {
  return { __smpsim: 'decl', kind, init, count, array: count > 1 };
}

/** A layout for `cpus` CPUs with one task each, and the given state. */
export function layoutOf(state: Record<string, ObjectDecl>, cpus = 2, irqs: ScenarioDef['irqs'] = []): Layout {
  const tasks = Array.from({ length: cpus }, (_, cpu) => ({ cpu, run: () => undefined }));
  return new Layout({ cpus, tasks, state, irqs });
}

const FN_IDS = new Map<string, number>(KFN_NAMES.map((n, i) => [n, i]));

export class EventBuilder {
  private words = new Int32Array(256 * EV_WORDS);
  private n = 0;
  private readonly cpus: CpuState[];
  private cur = 0;
  private readonly sites: string[] = [''];
  /** irq state saved by each spin_lock_irqsave, innermost last */
  private readonly savedIrqs: boolean[] = [];
  private readonly siteIds = new Map<string, number>();

  constructor(readonly layout: Layout) {
    this.cpus = Array.from({ length: layout.ncpus }, (_, cpu) => ({
      pcount: 0,
      irqsOff: false,
      ctx: [Ctx.TASK],
      pid: layout.tasks.find((t) => t.cpu === cpu)?.pid ?? FIRST_PID + cpu,
    }));
  }

  /** Events that follow happen on `cpu`. */
  on(cpu: number): this {
    this.cur = cpu;
    return this;
  }

  /** The pid of the task running on the current CPU (a second task sharing it). */
  task(pid: number): this {
    this.cpus[this.cur]!.pid = pid;
    return this;
  }

  get length(): number {
    return this.n;
  }

  /** Drop the events from `n` on (to rewrite how a call ended). */
  truncate(n: number): this {
    this.n = Math.min(this.n, n);
    return this;
  }

  /** Object id of a state object by its printed name. */
  id(name: string): number {
    return this.obj(name);
  }

  private obj(name: string): number {
    const o = this.layout.objects.find((x) => x.name === name);
    if (!o) throw new Error(`no object ${name}`);
    return o.id;
  }

  private siteId(at: string | undefined): number {
    if (at === undefined) return 0;
    let id = this.siteIds.get(at);
    if (id === undefined) {
      id = this.sites.length;
      this.sites.push(at);
      this.siteIds.set(at, id);
    }
    return id;
  }

  /** Append one record stamped with the current CPU's state. */
  emit(op: number, obj: number, a: number, b: number, fn: string, at?: string): this {
    if ((this.n + 1) * EV_WORDS > this.words.length) {
      const grown = new Int32Array(this.words.length * 2);
      grown.set(this.words);
      this.words = grown;
    }
    const c = this.cpus[this.cur]!;
    // one task per CPU: the agent is the CPU's number
    const stamp = {
      cpu: this.cur,
      ctx: c.ctx[c.ctx.length - 1]!,
      pcount: c.pcount,
      irqsOff: c.irqsOff,
      tid: c.pid,
      agent: this.cur,
    };
    writeEventRecord(this.words, 0, this.n, stamp, op, obj, a, b, FN_IDS.get(fn) ?? 0, this.siteId(at));
    this.n++;
    return this;
  }

  private get state(): CpuState {
    return this.cpus[this.cur]!;
  }

  private inInterrupt(): boolean {
    return this.state.ctx[this.state.ctx.length - 1] !== Ctx.TASK;
  }

  // ---- irq and bh state ----

  local_irq_disable(at?: string): this {
    const was = this.state.irqsOff;
    this.state.irqsOff = true;
    return this.emit(Op.IRQS_OFF, -1, was ? 1 : 0, 0, 'local_irq_disable', at);
  }

  local_irq_enable(at?: string): this {
    const was = !this.state.irqsOff;
    this.state.irqsOff = false;
    return this.emit(Op.IRQS_ON, -1, was ? 1 : 0, 0, 'local_irq_enable', at);
  }

  local_bh_disable(at?: string): this {
    this.state.pcount += SOFTIRQ_DISABLE_OFFSET;
    return this.emit(Op.BH_DISABLE, -1, 0, 0, 'local_bh_disable', at);
  }

  local_bh_enable(at?: string): this {
    this.state.pcount -= SOFTIRQ_DISABLE_OFFSET;
    return this.emit(Op.BH_ENABLE, -1, 0, 0, 'local_bh_enable', at);
  }

  // ---- contexts ----

  /** Run `body` as the handler of irq line `line` nested on the current CPU. */
  irq(line: number, body: () => void): this {
    const s = this.state;
    const cpu = this.cur;
    const saved = { pcount: s.pcount, irqsOff: s.irqsOff };
    s.ctx.push(Ctx.HARDIRQ);
    s.pcount += HARDIRQ_OFFSET;
    s.irqsOff = true;
    this.emit(Op.IRQ_ENTER, -1, line, this.layout.lines[line]?.irq ?? 0, 'irq_handler');
    body();
    this.on(cpu);
    this.emit(Op.IRQ_EXIT, -1, line, 1, 'irq_handler');
    s.ctx.pop();
    s.pcount = saved.pcount;
    s.irqsOff = saved.irqsOff;
    return this;
  }

  /** Run `body` as a softirq (tasklet) handler on the current CPU. */
  softirq(nr: number, body: () => void): this {
    const s = this.state;
    const cpu = this.cur;
    const saved = { pcount: s.pcount, irqsOff: s.irqsOff };
    s.ctx.push(Ctx.SOFTIRQ);
    s.pcount += SOFTIRQ_OFFSET;
    s.irqsOff = false;
    this.emit(Op.SOFTIRQ_ENTER, -1, nr, 0, 'irq_handler');
    body();
    this.on(cpu);
    this.emit(Op.SOFTIRQ_EXIT, -1, nr, 0, 'irq_handler');
    s.ctx.pop();
    s.pcount = saved.pcount;
    s.irqsOff = saved.irqsOff;
    return this;
  }

  // ---- locks ----

  /**
   * The acquisition events of one lock call: LOCK_CONTENDED first when `contended`, then
   * LOCK_ACQUIRE. Spinning locks count in preempt_count from here on.
   */
  acquire(name: string, flags: number, fn: string, at?: string, contended = false): this {
    const obj = this.obj(name);
    const kind = this.layout.objects[obj]!.kind;
    if (flags & LockFlag.READ && this.inInterrupt()) flags |= LockFlag.RECURSIVE;
    const spinning = kind === 'spinlock' || kind === 'rwlock';
    if (spinning) this.state.pcount += PREEMPT_OFFSET;
    if (contended) this.emit(Op.LOCK_CONTENDED, obj, flags, 0, fn, at);
    return this.emit(Op.LOCK_ACQUIRE, obj, flags, 0, fn, at);
  }

  release(name: string, flags: number, fn: string, at?: string): this {
    const obj = this.obj(name);
    const kind = this.layout.objects[obj]!.kind;
    this.emit(Op.LOCK_RELEASE, obj, flags, 0, fn, at);
    if (kind === 'spinlock' || kind === 'rwlock') this.state.pcount -= PREEMPT_OFFSET;
    return this;
  }

  spin_lock(name: string, at?: string): this {
    return this.acquire(name, 0, 'spin_lock', at);
  }

  /** spin_lock that finds the lock busy and waits for it. */
  spin_lock_contended(name: string, at?: string): this {
    return this.acquire(name, 0, 'spin_lock', at, true);
  }

  /** spin_lock that finds the lock busy and never gets it (the trial ends deadlocked). */
  spin_lock_stuck(name: string, at?: string): this {
    this.state.pcount += PREEMPT_OFFSET;
    return this.emit(Op.LOCK_CONTENDED, this.obj(name), 0, 0, 'spin_lock', at);
  }

  spin_lock_nested(name: string, subclass: number, at?: string): this {
    return this.acquire(name, subclass << LockFlag.SUBCLASS_SHIFT, 'spin_lock_nested', at);
  }

  spin_unlock(name: string, at?: string): this {
    return this.release(name, 0, 'spin_unlock', at);
  }

  spin_trylock(name: string, ok = true, at?: string): this {
    if (ok) return this.acquire(name, LockFlag.TRY, 'spin_trylock', at);
    return this.emit(Op.TRYLOCK_FAILED, this.obj(name), LockFlag.TRY, 0, 'spin_trylock', at);
  }

  /** The _irq variants: irqs go off before the acquisition, on after the release. */
  acquireIrq(name: string, flags: number, fn: string, at?: string): this {
    this.local_irq_disable(at);
    return this.acquire(name, flags | LockFlag.IRQ, fn, at);
  }

  releaseIrq(name: string, flags: number, fn: string, at?: string): this {
    this.release(name, flags | LockFlag.IRQ, fn, at);
    return this.local_irq_enable(at);
  }

  spin_lock_irq(name: string, at?: string): this {
    return this.acquireIrq(name, 0, 'spin_lock_irq', at);
  }

  spin_unlock_irq(name: string, at?: string): this {
    return this.releaseIrq(name, 0, 'spin_unlock_irq', at);
  }

  spin_lock_irqsave(name: string, at?: string): this {
    const was = this.state.irqsOff;
    this.state.irqsOff = true;
    this.emit(Op.IRQS_OFF, -1, was ? 1 : 0, 0, 'spin_lock_irqsave', at);
    this.savedIrqs.push(was);
    return this.acquire(name, LockFlag.IRQSAVE, 'spin_lock_irqsave', at);
  }

  spin_unlock_irqrestore(name: string, at?: string): this {
    this.release(name, LockFlag.IRQSAVE, 'spin_unlock_irqrestore', at);
    const was = this.savedIrqs.pop() ?? false;
    if (!was) {
      this.state.irqsOff = false;
      this.emit(Op.IRQS_ON, -1, 0, 0, 'spin_unlock_irqrestore', at);
    }
    return this;
  }

  spin_lock_bh(name: string, at?: string): this {
    this.state.pcount += SOFTIRQ_DISABLE_OFFSET;
    this.emit(Op.BH_DISABLE, -1, 0, 0, 'spin_lock_bh', at);
    return this.acquire(name, LockFlag.BH, 'spin_lock_bh', at);
  }

  spin_unlock_bh(name: string, at?: string): this {
    this.release(name, LockFlag.BH, 'spin_unlock_bh', at);
    this.state.pcount -= SOFTIRQ_DISABLE_OFFSET;
    return this.emit(Op.BH_ENABLE, -1, 0, 0, 'spin_unlock_bh', at);
  }

  read_lock(name: string, at?: string): this {
    return this.acquire(name, LockFlag.READ, 'read_lock', at);
  }

  read_unlock(name: string, at?: string): this {
    return this.release(name, LockFlag.READ, 'read_unlock', at);
  }

  write_lock(name: string, at?: string): this {
    return this.acquire(name, 0, 'write_lock', at);
  }

  write_unlock(name: string, at?: string): this {
    return this.release(name, 0, 'write_unlock', at);
  }

  write_lock_irq(name: string, at?: string): this {
    return this.acquireIrq(name, 0, 'write_lock_irq', at);
  }

  write_unlock_irq(name: string, at?: string): this {
    return this.releaseIrq(name, 0, 'write_unlock_irq', at);
  }

  mutex_lock(name: string, at?: string): this {
    return this.acquire(name, 0, 'mutex_lock', at);
  }

  mutex_unlock(name: string, at?: string): this {
    return this.release(name, 0, 'mutex_unlock', at);
  }

  build(): BuiltTrial {
    return { log: new EventLog(this.words.slice(0, this.n * EV_WORDS), this.n), sites: [...this.sites] };
  }
}
