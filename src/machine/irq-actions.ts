/**
 * request_irq() actions. The table lives in the shared buffer (any CPU may install a handler
 * and any CPU may take the interrupt), so a handler is stored by its index among the functions
 * the scenario declares (`handlers: {...}`, irq handlers, functions in `state`): each worker
 * loads the same scenario module and finds the same function at the same index.
 *
 * Words of one action (layout.ts AC): FN = function index + 1 (0: free slot; DEFAULT_PRIMARY:
 * the kernel's irq_default_primary_handler), FLAGS (IRQF_*), DEV = dev_id (encoded below),
 * NAME = devname's string id, THREAD_FN = request_threaded_irq's thread_fn, index + 1 (or 0).
 */
import { callHandler } from './agent-run.ts';
import { AC, LN, type Layout } from './layout.ts';
import { ACTION_MAX } from './capacities.ts';
import type { CpuRuntime } from './runtime.ts';
import { IRQF_ONESHOT, IRQ_WAKE_THREAD, wakeIrqThread } from './irq-thread.ts';

/** FN of an action whose primary handler is the kernel's default: it only wakes the thread. */
export const DEFAULT_PRIMARY = -1;

const DEV_OBJ = 1 << 28;
const DEV_STR = 2 << 28;
const DEV_MASK = DEV_OBJ - 1;

type Fn = (...args: any[]) => unknown;

export class IrqActions {
  private readonly fns: Fn[] = [];
  private objects: Map<number, unknown> | undefined;

  constructor(private readonly rt: CpuRuntime) {
    const def = rt.def;
    const add = (f: unknown): void => {
      if (typeof f === 'function' && !this.fns.includes(f as Fn)) this.fns.push(f as Fn);
    };
    for (const f of Object.values(def.handlers ?? {})) add(f);
    for (const i of def.irqs ?? []) add(i.handler);
    for (const v of Object.values(def.state ?? {})) add(v);
  }

  /** Index + 1 of a declared function, 0 when the scenario does not declare it. */
  fnId(f: unknown): number {
    return this.fns.indexOf(f as Fn) + 1;
  }

  /** The declared function of id `id` (fnId's), if any. */
  declared(id: number): Fn | undefined {
    return this.fns[id - 1];
  }

  /** dev_id as a word: 0 (null), a positive integer, a declared object, or a string. */
  encodeDev(dev: unknown): number {
    if (dev === null || dev === undefined) return 0;
    if (typeof dev === 'number' && Number.isInteger(dev) && dev > 0 && dev < DEV_OBJ) return dev;
    if (typeof dev === 'string') return DEV_STR | this.rt.strings.intern(dev, this.rt.localTrial);
    const id = (dev as { __id?: unknown }).__id;
    if (typeof dev === 'object' && typeof id === 'number') return DEV_OBJ | id;
    throw new Error('dev_id must be null, a positive integer, a string or a declared object');
  }

  decodeDev(code: number): unknown {
    if (code === 0) return null;
    if (code >= DEV_STR) return this.rt.strings.get(code & DEV_MASK);
    if (code >= DEV_OBJ) return this.objectById(code & DEV_MASK);
    return code;
  }

  private objectById(id: number): unknown {
    if (!this.objects) {
      this.objects = new Map();
      for (const v of Object.values((this.rt.state ?? {}) as Record<string, unknown>)) {
        for (const h of Array.isArray(v) ? v : [v]) {
          const hid = (h as { __id?: unknown } | null)?.__id;
          if (typeof hid === 'number') this.objects.set(hid, h);
        }
      }
    }
    return this.objects.get(id);
  }

  /** The actions installed on line l, by slot (free slots left out). */
  installed(l: number): { slot: number; fn: number; flags: number; dev: number }[] {
    const m = this.rt.m;
    const out = [];
    for (let slot = 0; slot < ACTION_MAX; slot++) {
      const at = this.rt.L.action(l, slot);
      if (m[at + AC.FN] !== 0) out.push({ slot, fn: m[at + AC.FN]!, flags: m[at + AC.FLAGS]!, dev: m[at + AC.DEV]! });
    }
    return out;
  }

  /** A free slot of line l, or -1 when all ACTION_MAX are taken. */
  freeSlot(l: number): number {
    const m = this.rt.m;
    for (let slot = 0; slot < ACTION_MAX; slot++) {
      const at = this.rt.L.action(l, slot);
      if (m[at + AC.FN] === 0 && m[at + AC.THREAD_FN] === 0) return slot;
    }
    return -1;
  }

  /** Install an action in a free slot of line l (request_irq); the line is unmasked. */
  install(l: number, slot: number, fn: number, flags: number, dev: number, name: string, threadFn = 0): void {
    const m = this.rt.m;
    const at = this.rt.L.action(l, slot);
    m[at + AC.FN] = fn;
    m[at + AC.THREAD_FN] = threadFn;
    m[at + AC.FLAGS] = flags | 0;
    m[at + AC.DEV] = dev;
    m[at + AC.NAME] = this.rt.strings.intern(name, this.rt.localTrial);
    m[this.rt.L.line(l) + LN.NACTIONS]! += 1;
  }

  /**
   * Remove the action in `slot` of line l from the line (free_irq); returns its devname. Its
   * thread_fn and dev_id stay until release(): a thread already woken runs it one last time,
   * as irq_thread() does when it is stopped with IRQTF_RUNTHREAD set.
   */
  remove(l: number, slot: number): string {
    const m = this.rt.m;
    const at = this.rt.L.action(l, slot);
    const name = this.rt.strings.get(m[at + AC.NAME]!);
    m[at + AC.FN] = 0;
    m[this.rt.L.line(l) + LN.NACTIONS]! -= 1;
    return name;
  }

  /** The removed action's slot is free again (free_irq, once its handlers have finished). */
  release(l: number, slot: number): void {
    const at = this.rt.L.action(l, slot);
    this.rt.m.fill(0, at, at + AC.WORDS);
  }

  /**
   * Run every installed action of line l; the handlers' return values or'ed. An action whose
   * handler returns IRQ_WAKE_THREAD and has a thread_fn wakes the line's thread.
   */
  run(l: number, irq: number, where: string): number {
    const m = this.rt.m;
    const L = this.rt.L;
    let ret = 0;
    for (let k = 0; k < ACTION_MAX; k++) {
      const at = L.action(l, k);
      const id = m[at + AC.FN]!;
      if (id === 0) continue;
      let r = IRQ_WAKE_THREAD;
      if (id !== DEFAULT_PRIMARY) {
        const f = this.fns[id - 1]!;
        const dev = this.decodeDev(m[at + AC.DEV]!);
        r = callHandler(this.rt, () => f(this.rt.state, irq, dev), where);
      }
      if (r & IRQ_WAKE_THREAD && m[at + AC.THREAD_FN] !== 0)
        wakeIrqThread(this.rt, l, k, (m[at + AC.FLAGS]! & IRQF_ONESHOT) !== 0);
      ret |= r;
    }
    return ret;
  }

  /** The thread_fn of the action in `slot` of line l, in its irq thread. */
  runThreadFn(l: number, slot: number, irq: number, where: string): void {
    const m = this.rt.m;
    const at = this.rt.L.action(l, slot);
    const id = m[at + AC.THREAD_FN]!;
    if (id === 0) return;
    const f = this.fns[id - 1]!;
    const dev = this.decodeDev(m[at + AC.DEV]!);
    callHandler(this.rt, () => f(this.rt.state, irq, dev), where);
  }
}

/** Trial start: no actions installed; a line declared with a handler has that one. */
export function resetActions(m: Int32Array, L: Layout, staticHandler: (l: number) => boolean): void {
  m.fill(0, L.actionBase, L.action(L.lines.length, 0));
  for (const line of L.lines) m[L.line(line.index) + LN.NACTIONS] = staticHandler(line.index) ? 1 : 0;
}
