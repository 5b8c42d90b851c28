/**
 * lockdep: the kernel's lock validator over smpsim event logs. Lock-order cycles, recursive
 * locking, irq-safety violations and bad unlocks are found from the dependency graph built
 * across all trials of a run, whether or not the deadly interleaving ever happened.
 */
import type { Detector } from '../detector.ts';
import type { LockdepData, LockdepKind } from './finding-data.ts';
import { LockdepDetector } from './lockdep-detector.ts';

export { LOCKDEP, LOCKDEP_GRAPH_KINDS, LOCKDEP_KINDS, type LockdepData, type LockdepFinding } from './finding-data.ts';

export function createLockdep(): Detector<LockdepData, LockdepKind> {
  return new LockdepDetector();
}
