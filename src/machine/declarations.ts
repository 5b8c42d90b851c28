/**
 * What a scenario declares, as plain data. The kernel layer's `spinlock()`, `atomic(v)` …
 * return these; the machine lays them out in the SharedArrayBuffer. Plain data (tagged with
 * `__smpsim`) rather than classes, because a scenario module and the machine may each hold
 * their own instance of the smpsim modules.
 */

import type { ObjectKind } from './object-kinds.ts';

/** The kind of a declared object (object-kinds.ts has one entry per kind). */
export type { ObjectKind };

export interface ObjectDecl {
  readonly __smpsim: 'decl';
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

/** One scenario task: code run in process context on a CPU. */
export interface TaskDecl {
  cpu: number;
  name?: string;
  run: (state: any) => unknown;
}

/** An interrupt line the scenario's hardware raises. */
export interface IrqDecl {
  irq: number;
  name?: string;
  /** CPUs the line may be routed to (its affinity); default all. */
  cpus?: number[];
  /** How many times the line may fire in one trial (default 1). */
  fires?: number;
  handler?: (state: any, irq: number) => unknown;
}

export interface ScenarioDef {
  name?: string;
  cpus: number;
  state?: Record<string, unknown>;
  tasks: TaskDecl[];
  irqs?: IrqDecl[];
  /** Softirq handlers by number (raise_softirq(nr)); TASKLET_SOFTIRQ is the machine's own. */
  softirqs?: { nr: number; name?: string; handler: (state: any) => unknown }[];
  /** Functions request_irq() may install: they must be known to every CPU (by identity). */
  handlers?: Record<string, (state: any, irq: number, dev_id: unknown) => unknown>;
  /** Failures explored as strategy choices, off unless asked for. */
  faults?: { kmalloc?: boolean; signals?: boolean };
  /** Runs once all CPUs are done: true (or undefined) when the state is right, else a message. */
  check?: (state: any) => boolean | string | void;
}

export interface ScenarioModule {
  readonly __smpsim: 'scenario';
  readonly def: ScenarioDef;
}

export function isScenario(v: unknown): v is ScenarioModule {
  return typeof v === 'object' && v !== null && (v as ScenarioModule).__smpsim === 'scenario';
}
