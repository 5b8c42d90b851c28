/** The detectors a run uses, fresh per run or replay (lockdep's graph lives as long as it). */
import type { Detector } from './detector.ts';
import { createMachineChecks } from './machine-checks.ts';

const FACTORIES: (() => Detector)[] = [createMachineChecks];

export function registerDetector(factory: () => Detector): void {
  FACTORIES.push(factory);
}

export function createDetectors(): Detector[] {
  return FACTORIES.map((f) => f());
}

export type { Detector };
