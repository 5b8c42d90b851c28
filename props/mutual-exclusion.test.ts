/**
 * Mutual exclusion: generated programs that lock around a shared counter end exact under every
 * schedule tried; the same programs with the locking removed fail for some schedule, and the
 * shrunk failure preempts exactly once (a context switch or an interrupt).
 */
import { afterAll, describe, expect } from 'vitest';
import { it } from '@fast-check/vitest';
import { checkScenario, explore, shutdown } from '../src/index.ts';
import { counterProgram, counterScenario } from './support/programs.ts';

afterAll(() => shutdown());

describe('mutual exclusion', () => {
  it.prop([counterProgram], { numRuns: 8, seed: 11 })(
    'locked counters end exact under random and PCT schedules',
    async (p) => {
      const path = counterScenario(p, true);
      for (const strategy of ['random', 'pct'] as const) {
        const r = await explore(path, { trials: 300, strategy, seed: 5 });
        expect(r.findings.map((f) => f.title)).toEqual([]);
      }
    },
  );

  it.prop([counterProgram], { numRuns: 6, seed: 12 })(
    'without locks some schedule loses an update, shrunk to one preemption',
    async (p) => {
      const path = counterScenario(p, false);
      const r = await checkScenario(path, { kinds: ['assertion'], numRuns: 100, seed: 2, throws: false });
      expect(r.failed).toBe(true);
      expect(r.switches).toBe(1);
      expect(r.minimal).toBe(true);
    },
  );
});
