/**
 * lockdep against a model: per-CPU programs of nested spin_lock / spin_lock_irqsave /
 * spin_trylock sections over three locks. Each runs once without preemption (so every
 * trylock succeeds and no CPU waits); lockdep must report circular-dependency exactly when
 * the reference model below finds a cycle in the lock-order graph.
 */
import { afterAll, describe, expect } from 'vitest';
import { it } from '@fast-check/vitest';
import { replay, shutdown } from '../src/index.ts';
import { scheduleToken } from '../src/fuzz/index.ts';
import { lockProgram, lockScenario, type LockProgram } from './support/programs.ts';

afterAll(() => shutdown());

/**
 * The model: taking lock B while holding A orders A before B, unless B is taken by a trylock
 * (a trylock never waits, so it cannot close a cycle). A cycle in that order is a possible
 * deadlock.
 */
function orderHasCycle(p: LockProgram): boolean {
  const edges = Array.from({ length: p.locks }, () => new Set<number>());
  for (const cpu of p.cpus) {
    for (const sec of cpu) {
      sec.forEach((b, j) => {
        if (b.mode === 'try') return;
        for (let i = 0; i < j; i++) edges[sec[i]!.lock]!.add(b.lock);
      });
    }
  }
  const state = new Array<number>(p.locks).fill(0); // 0 new, 1 on the path, 2 done
  const visit = (n: number): boolean => {
    state[n] = 1;
    for (const m of edges[n]!) {
      if (state[m] === 1 || (state[m] === 0 && visit(m))) return true;
    }
    state[n] = 2;
    return false;
  };
  return edges.some((_, n) => state[n] === 0 && visit(n));
}

const seen = { cycle: 0, none: 0 };

describe('lockdep against a reference model', () => {
  it.prop([lockProgram(['plain', 'plain', 'irqsave', 'try'])], { numRuns: 40, seed: 21 })(
    'circular-dependency is reported iff the lock-order graph has a cycle',
    async (p) => {
      const path = lockScenario(p);
      const r = await replay(path, scheduleToken(p.cpus.length, []), { lenient: true });
      const cycle = orderHasCycle(p);
      seen[cycle ? 'cycle' : 'none']++;
      expect(r.findings.some((f) => f.kind === 'circular-dependency')).toBe(cycle);
    },
  );

  it('the programs above had cycles and had none (the property was not vacuous)', () => {
    expect(seen.cycle).toBeGreaterThan(3);
    expect(seen.none).toBeGreaterThan(3);
  });
});
