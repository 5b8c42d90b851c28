/**
 * Shrinking quality: for the 2-CPU lost update and the 2-CPU ABBA deadlock, the shrunk schedule
 * has the minimum number of context switches: one (none is not enough, as the unpreempted
 * schedule shows).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario, replay, shutdown } from '../src/index.ts';
import { scheduleToken } from '../src/fuzz/index.ts';
import { scenarioFile } from '../test/helpers.ts';
import type { FindingKind } from '../src/index.ts';

afterAll(() => shutdown());

const lostUpdate = () =>
  scenarioFile(
    'lost-update-2',
    `import { scenario, shared } from 'smpsim';
const bump = (s: any) => { for (let i = 0; i < 2; i++) s.x.value++; };
export default scenario({
  cpus: 2,
  state: { x: shared(0) },
  tasks: [{ cpu: 0, run: bump }, { cpu: 1, run: bump }],
  check: (s) => s.x.value === 4 || \`lost update: x=\${s.x.value}\`,
});
`,
  );

const CASES: [string, () => string, FindingKind][] = [
  ['2-CPU lost update', lostUpdate, 'assertion'],
  ['2-CPU ABBA', () => 'exercises/abba.ts', 'deadlock'],
];

describe('shrinking', () => {
  for (const [name, file, kind] of CASES) {
    it(`${name} shrinks to one context switch, the minimum`, async () => {
      const path = file();
      const none = await replay(path, scheduleToken(2, []), { lenient: true });
      expect(none.findings.map((f) => f.kind)).not.toContain(kind);
      const r = await checkScenario(path, { kinds: [kind], seed: 3, numRuns: 200, throws: false });
      expect(r.failed).toBe(true);
      expect(r.findings.map((f) => f.kind)).toContain(kind);
      expect(r.switches).toBe(1);
      expect(r.interrupts).toBe(0);
      expect(r.minimal).toBe(true);
      const again = await replay(path, r.token!);
      expect(again.findings.map((f) => f.kind)).toContain(kind);
    });
  }
});
