/** Replay identity: any generated schedule, replayed from the token it ran as, gives the same events. */
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { replay, shutdown } from '../src/index.ts';
import { scheduleArbitraryFor, scheduleToken } from '../src/fuzz/index.ts';
import { loadScenario } from '../src/run/load-scenario.ts';
import { counterScenario } from './support/programs.ts';

afterAll(() => shutdown());

const SCENARIOS: [string, () => string][] = [
  ['ABBA on 2 CPUs', () => 'exercises/abba.ts'],
  [
    'a counter on 3 CPUs and an irq handler',
    () =>
      counterScenario(
        {
          lock: 'spinlock',
          irq: true,
          cpus: [
            { incs: 2, variant: 'irqsave' },
            { incs: 1, variant: 'irq' },
            { incs: 1, variant: 'irqsave' },
          ],
        },
        true,
      ),
  ],
];

describe('replay identity', () => {
  for (const [name, file] of SCENARIOS) {
    it(`${name}: a generated schedule and its recorded token give the same events and findings`, async () => {
      const path = file();
      const { def } = await loadScenario(path);
      const arb = await scheduleArbitraryFor(path);
      await fc.assert(
        fc.asyncProperty(arb, async (choices) => {
          const first = await replay(path, scheduleToken(def.cpus, choices), { lenient: true });
          const again = await replay(path, first.trials[0]!.token);
          const a = first.trials[0]!;
          const b = again.trials[0]!;
          expect(b.token).toBe(a.token);
          expect(b.events.length).toBe(a.events.length);
          expect(Array.from(b.events.words)).toEqual(Array.from(a.events.words));
          expect(b.strings).toEqual(a.strings);
          expect(again.findings.map((f) => f.signature)).toEqual(first.findings.map((f) => f.signature));
        }),
        { numRuns: 25, seed: 7 },
      );
    });
  }
});
