import { expect, test } from 'vitest';
import { FINDING_KINDS } from '../src/check/finding-kinds.ts';
import { DETECTORS } from '../src/run/detectors.ts';

test('DETECTORS: one entry per detector name, and every finding kind has a detector (soft-lockup: the stress watchdog)', () => {
  const names = DETECTORS.map((d) => d.name);
  expect(new Set(names).size).toBe(names.length);
  const declared = new Set<string>([...DETECTORS.flatMap((d) => d.kinds), 'soft-lockup']);
  expect([...declared].sort()).toEqual([...FINDING_KINDS].sort());
});
