/**
 * DPOR against brute force. For generated small programs (2–3 CPUs, 2–4 operations each, over
 * one or two shared cells, atomics and spinlocks, with and without one irq line), `dfs`
 * enumerates every interleaving of the machine's choices, and `dpor` must reach exactly the
 * same set of final states (the cells, the atomics, what each CPU read) and the same findings
 * by kind and signature, in no more executions than there are interleavings.
 *
 * The property that holds is that one: source-DPOR with sleep sets (sched/dpor.ts) does not
 * promise one execution per Mazurkiewicz trace (that is optimal DPOR, with wakeup trees), so
 * its count is only bounded by the interleavings, not equal to the traces.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, describe, expect } from 'vitest';
import { it } from '@fast-check/vitest';
import { explore, shutdown } from '../src/index.ts';
import { smallProgram, smallScenario, statesFile } from './support/small-programs.ts';

afterAll(() => shutdown());

/** Interleavings past this are too many to enumerate here: such a program is skipped. */
const BRUTE_FORCE_LIMIT = 5_000;

async function run(path: string, strategy: 'dpor' | 'dfs', file: string) {
  const r = await explore(path, { strategy, maxExecutions: BRUTE_FORCE_LIMIT, reports: false });
  const states = existsSync(file)
    ? new Set(readFileSync(file, 'utf8').trim().split('\n').filter(Boolean))
    : new Set<string>();
  return { r, states, findings: new Set(r.findings.map((f) => `${f.kind} ${f.signature}`)) };
}

describe('DPOR against every interleaving', () => {
  it.prop([smallProgram], { numRuns: 20, seed: 12 })(
    'same final states and findings, no more executions than interleavings',
    async (p) => {
      const dfsFile = statesFile('dfs');
      const dporFile = statesFile('dpor');
      // one scenario per strategy: each check appends to its own file
      const all = await run(smallScenario(p, dfsFile), 'dfs', dfsFile);
      if (!all.r.exhaustive?.complete) return; // too many interleavings to enumerate
      const dpor = await run(smallScenario(p, dporFile), 'dpor', dporFile);
      expect(dpor.r.exhaustive?.complete).toBe(true);
      expect([...dpor.states].sort()).toEqual([...all.states].sort());
      expect([...dpor.findings].sort()).toEqual([...all.findings].sort());
      expect(dpor.r.exhaustive!.executions).toBeLessThanOrEqual(all.r.exhaustive!.executions);
    },
    300_000,
  );
});
