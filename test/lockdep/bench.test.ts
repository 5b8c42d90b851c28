import { expect, test } from 'vitest';
import { benchLockdep } from '../../bench/lockdep.ts';

// The figure itself comes from the bench script; this only keeps the helper working (it
// throws if its synthetic log ever makes a finding).
test('the lockdep micro-bench runs', () => {
  expect(benchLockdep({ seconds: 0.01 }).eventsPerSec).toBeGreaterThan(0);
});
