import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf as at } from '../helpers.ts';

afterAll(() => shutdown());

/** Two CPUs incrementing a field of one kmalloc object, the pointer published in a shared cell. */
function counter(name: string, locked: boolean): string {
  const [lock, unlock] = locked ? ['spin_lock(s.lock);', 'spin_unlock(s.lock);'] : ['', ''];
  return scenarioFile(
    name,
    `import { scenario, shared, spinlock, spin_lock, spin_unlock, kzalloc, kstruct, deref, GFP_KERNEL,
  smp_store_release, smp_load_acquire } from 'smpsim';
const Stats = kstruct('stats', 'hits');
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), stats: shared(0) },
  tasks: [
    { cpu: 0, run: function producer(s) {
      smp_store_release(s.stats, kzalloc(Stats, GFP_KERNEL));
      ${lock} deref(s.stats.value, Stats).hits++; ${unlock}
    } },
    { cpu: 1, run: function consumer(s) {
      const p = smp_load_acquire(s.stats);
      if (!p) return;
      ${lock} deref(p, Stats).hits++; ${unlock}
    } },
  ],
});
`,
  );
}

describe('fields of kmalloc objects, watched by the race detector', () => {
  it('two CPUs incrementing a field without a lock: data-race, both call sites, the field by address', async () => {
    const p = counter('field-race', false);
    const r = await explore(p, { trials: 300, seed: 1 });
    expect(r.findings.map((f) => f.kind)).toEqual(['data-race']);
    const f = r.findings[0]!;
    expect(f.title).toBe('BUG: KCSAN: data-race in consumer / producer');
    expect(f.report).toMatch(/(read|write) to 0xffff8881000000(80|8\d) of 4 bytes by task \d+ on cpu [01]:/);
    expect(f.report).toContain(`producer at ${at(p, 'hits++')}`);
    expect(f.report).toContain(`consumer at ${at(p, '(p, Stats).hits++')}`);
  });

  it('the same under a spinlock: clean over 1,000 trials', async () => {
    const r = await explore(counter('field-locked', true), { trials: 1000, seed: 1 });
    expect(r.findings).toEqual([]);
  });
});
