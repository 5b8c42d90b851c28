/**
 * What a scenario declares, as plain data. The kernel layer's `spinlock()`, `atomic(v)` …
 * return these; the machine lays them out in the SharedArrayBuffer. Plain data (tagged with
 * `__smpsim`) rather than classes, because a scenario module and the machine may each hold
 * their own instance of the smpsim modules.
 */

import type { ObjectKind } from './object-kinds.ts';
import type { MemoryModelName } from './memory-region.ts';
import { DEFAULT_MIGRATIONS } from '../sched/strategy.ts';

/** The kind of a declared object (object-kinds.ts has one entry per kind). */
export type { ObjectKind };

/**
 * A declaration; `H` is the handle tasks receive for it (a phantom type: it exists only for
 * `scenario()` to infer the state's type, so a call on the wrong kind is a TypeScript error).
 */
export interface ObjectDecl<H = unknown> {
  readonly __smpsim: 'decl';
  /** never set: carries the handle type */
  readonly __handle?: H;
  readonly kind: ObjectKind;
  /** Initial value (atomic/shared/percpu value, semaphore count). */
  readonly init: number;
  /** Number of instances of one class (spinlocks(n)); 1 for a scalar declaration. */
  readonly count: number;
  /** true when declared as an array (spinlocks(n), atomics(n) …) even with count 1. */
  readonly array: boolean;
  /** tasklet(fn): the function it runs, in softirq context; work(fn): on the CPU's kworker */
  readonly fn?: (state: any) => unknown;
}

export function isObjectDecl(v: unknown): v is ObjectDecl {
  return typeof v === 'object' && v !== null && (v as ObjectDecl).__smpsim === 'decl';
}

/** The state tasks see for a declared `state`: each declaration becomes its handle. */
export type Bound<S> = { [K in keyof S]: S[K] extends ObjectDecl<infer H> ? H : S[K] };

/** One scenario task: code run in process context on a CPU. */
export interface TaskDecl<St = any> {
  /** pinned to this CPU (the default when neither is given: every CPU) */
  cpu?: number;
  /** its CPU affinity: it runs on the first; not pinned when more than one */
  cpus?: number[];
  name?: string;
  /**
   * an unpinned task: how many times in one trial it may be preempted and moved to another CPU
   * of its affinity (default DEFAULT_MIGRATIONS); each is a scheduler choice
   */
  migrations?: number;
  run: (state: St) => unknown;
}

/** The CPUs a task may run on: [cpu] when pinned, else its cpus, else every CPU. */
export function taskCpus(t: TaskDecl, ncpus: number): number[] {
  if (t.cpu !== undefined) return [t.cpu];
  return t.cpus ?? Array.from({ length: ncpus }, (_, c) => c);
}

/** Migrations a task may make in one trial: none when pinned. */
export function taskMigrations(t: TaskDecl): number {
  return t.migrations ?? DEFAULT_MIGRATIONS;
}

/** An interrupt line the scenario's hardware raises. */
export interface IrqDecl<St = any> {
  irq: number;
  name?: string;
  /** CPUs the line may be routed to (its affinity); default all. */
  cpus?: number[];
  /** How many times the line may fire in one trial (default 1). */
  fires?: number;
  handler?: (state: St, irq: number) => unknown;
  /**
   * The line has its irq thread, irq/<irq>-<name>, an agent of its own in process context on
   * the line's first CPU: request_threaded_irq() installs a thread_fn it runs.
   */
  threaded?: boolean;
}

/** A scenario; `St` is the state as tasks, handlers and check() see it (Bound<state>). */
export interface ScenarioDef<St = any> {
  name?: string;
  cpus: number;
  state?: Record<string, unknown>;
  tasks: TaskDecl<St>[];
  irqs?: IrqDecl<St>[];
  /** Softirq handlers by number (raise_softirq(nr)); TASKLET_SOFTIRQ is the machine's own. */
  softirqs?: { nr: number; name?: string; handler: (state: St) => unknown }[];
  /** Functions request_irq() may install: they must be known to every CPU (by identity). */
  handlers?: Record<string, (state: St, irq: number, dev_id: unknown) => unknown>;
  /**
   * Kernel threads kthread_run() may start, by comm: each is an agent of its own in process
   * context; fn(state) returns the exit code kthread_stop() gives back.
   */
  kthreads?: Record<string, (state: St) => unknown>;
  /** Failures explored as strategy choices, off unless asked for. */
  faults?: { kmalloc?: boolean; signals?: boolean };
  /** Runs once all CPUs are done: true (or undefined) when the state is right, else a message. */
  check?: (state: St) => boolean | string | void;
  /** The memory model: 'sc' (default), 'tso' (FIFO store buffers) or 'weak' (weak-memory.ts). */
  memory?: MemoryModelName;
}

/** The fields scenario({...}) knows: any other is a usage error (a typo such as `irq:`). */
export const SCENARIO_FIELDS: readonly string[] = [
  'name',
  'cpus',
  'state',
  'tasks',
  'irqs',
  'softirqs',
  'handlers',
  'kthreads',
  'faults',
  'check',
  'memory',
];

export interface ScenarioModule {
  readonly __smpsim: 'scenario';
  readonly def: ScenarioDef;
}

export function isScenario(v: unknown): v is ScenarioModule {
  return typeof v === 'object' && v !== null && (v as ScenarioModule).__smpsim === 'scenario';
}
