/**
 * What a lockdep finding carries to its renderer (src/report/lockdep.ts). Everything the report
 * prints is captured when the bug is found (usage strings change as the run goes on, and the
 * kernel prints them as they were at that moment); call sites stay EventRefs, resolved by the
 * render context. Plain data, so findings can cross threads.
 */
import { findingKinds, type EventRef, type RawFinding } from '../detector.ts';

export const LOCKDEP = 'lockdep';
export const LOCKDEP_KINDS = findingKinds([
  'circular-dependency',
  'recursive-locking',
  'inconsistent-lock-state',
  'irq-lock-inversion',
  'bad-unlock-balance',
]);
export type LockdepKind = (typeof LOCKDEP_KINDS)[number];
/**
 * Kinds found from what the graph and usage bits keep across a run's trials: once the
 * dependency or usage is recorded it is not reported again, so each is made once per graph.
 */
export const LOCKDEP_GRAPH_KINDS: readonly LockdepKind[] = [
  'circular-dependency',
  'inconsistent-lock-state',
  'irq-lock-inversion',
];

/** A lock as print_lock() shows it: `(name){usage}, at: site`. */
export interface LockLine {
  name: string;
  usage: string;
  at: EventRef;
}

/** A class as print_lock_name() shows it: ` (name){usage}`. */
export interface ClassLine {
  name: string;
  usage: string;
}

/** A usage bit of a class and where it was first set. */
export interface UsageTrace {
  /** usage_str[] of the bit, e.g. "HARDIRQ-ON-W" */
  usage: string;
  at: EventRef;
}

/**
 * One class of a printed dependency path (print_shortest_lock_dependencies): its usage
 * history, then where it was acquired in that path (null when the kernel prints nothing).
 */
export interface DependencyStep {
  depth: number;
  cls: ClassLine;
  usages: UsageTrace[];
  acquiredAt: EventRef | null;
}

/** One `-> #N (name){usage}:` entry of the circular-dependency chain, with its call site. */
export interface ChainEntry {
  depth: number;
  cls: ClassLine;
  at: EventRef;
}

/** print_irq_lock_scenario's three classes. */
export interface IrqScenario {
  safe: string;
  middle: string;
  unsafe: string;
}

interface Common {
  /** pid of the task the context ran on behalf of (comm comes from the render context) */
  pid: number;
  /** the CPU it ran on (an interrupt of an idle CPU runs for pid 0, swapper/N) */
  cpu: number;
  /** what that task held when lockdep spoke, outermost first */
  held: LockLine[];
}

export interface CircularData extends Common {
  shape: 'circular';
  next: LockLine;
  prev: LockLine;
  /** from #depth down to #0 */
  chain: ChainEntry[];
  scenario: { source: string; parent: string; target: string; sourceRead: boolean; targetRead: boolean };
}

export interface RecursiveData extends Common {
  shape: 'recursive';
  next: LockLine;
  prev: LockLine;
}

export interface UsageData extends Common {
  shape: 'usage';
  prevUsage: string;
  newUsage: string;
  /** "[HC0[0]:SC0[0]:HE1:SE1]" */
  irqState: string;
  lock: LockLine;
  registeredAt: EventRef;
}

export interface InversionData extends Common {
  shape: 'inversion';
  lock: LockLine;
  /** true: this lock took an unsafe one; false: a safe one took this lock */
  forwards: boolean;
  irqclass: string;
  other: ClassLine;
  scenario: IrqScenario;
  dependencies: DependencyStep[];
}

export interface BadIrqDependencyData extends Common {
  shape: 'bad-irq-dependency';
  irqclass: string;
  irqState: string;
  next: LockLine;
  prev: LockLine;
  prevClass: ClassLine;
  nextClass: ClassLine;
  safe: ClassLine;
  safeAt: EventRef;
  unsafe: ClassLine;
  unsafeAt: EventRef;
  scenario: IrqScenario;
  /** from the irq-safe lock to the held lock */
  backwards: DependencyStep[];
  /** from the irq-unsafe lock back to the lock being acquired */
  forwards: DependencyStep[];
}

export interface UnlockImbalanceData extends Common {
  shape: 'unlock-imbalance';
  name: string;
  at: EventRef;
}

export type LockdepData =
  | CircularData
  | RecursiveData
  | UsageData
  | InversionData
  | BadIrqDependencyData
  | UnlockImbalanceData;

export type LockdepFinding = RawFinding<LockdepData, LockdepKind>;

export const TITLES = {
  circular: 'WARNING: possible circular locking dependency detected',
  recursive: 'WARNING: possible recursive locking detected',
  usage: 'WARNING: inconsistent lock state',
  inversion: 'WARNING: possible irq lock inversion dependency detected',
  unlockImbalance: 'WARNING: bad unlock balance detected!',
  badIrqDependency: (irqclass: string) => `WARNING: ${irqclass}-safe -> ${irqclass}-unsafe lock order detected`,
} as const;
