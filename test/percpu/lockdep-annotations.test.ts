/**
 * Lockdep annotations: lockdep_assert_held() and lockdep_assert_irqs_disabled() WARN at the
 * caller's line as the kernel does (kind lockdep-assert); SINGLE_DEPTH_NESTING and the
 * raw_spin_lock family behave as their spinlock counterparts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { oneTaskScenario, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, spinlock, spinlocks, raw_spinlock, mutex, shared, spin_lock, spin_unlock, spin_lock_nested, raw_spin_lock,
  raw_spin_unlock, raw_spin_lock_irqsave, raw_spin_unlock_irqrestore, mutex_lock, mutex_unlock, local_irq_save,
  local_irq_restore, lockdep_assert_held, lockdep_assert_irqs_disabled, SINGLE_DEPTH_NESTING, IRQ_HANDLED,
} from 'smpsim';`;

/** Two tasks calling `update(s)`; `locked` says whether the second takes the lock first. */
function stats(name: string, second: string): string {
  return scenarioFile(
    name,
    `${IMPORTS}
function add_stat(s: any) {
  lockdep_assert_held(s.stats_lock);
  s.total.value = s.total.value + 1;
}
export default scenario({
  cpus: 2,
  state: { stats_lock: spinlock(), total: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { spin_lock(s.stats_lock); add_stat(s); spin_unlock(s.stats_lock); } },
    { cpu: 1, run: (s) => { ${second} } },
  ],
});
`,
  );
}

describe('lockdep_assert_held', () => {
  it('a caller that forgot the lock is a lockdep-assert WARNING at the assertion', async () => {
    const p = stats('assert-held-bug', 'add_stat(s);');
    const r = await explore(p, { trials: 200, seed: 1 });
    const f = r.findings.find((x) => x.kind === 'lockdep-assert');
    expect(f, JSON.stringify(r.findings.map((x) => x.kind))).toBeDefined();
    const site = siteOf(p, 'lockdep_assert_held(s.stats_lock)');
    expect(f!.title).toMatch(new RegExp(`^WARNING: CPU: 1 PID: \\d+ at ${site.replace(/[.]/g, '\\.')}$`));
    expect(f!.report).toContain('lockdep_assert_held(stats_lock) failed');
    expect(f!.report).toContain(`at: ${site}`);
    expect(f!.locks).toEqual(['stats_lock']);
  }, 120_000);

  it('every caller holding the lock is clean over 1,000 trials', async () => {
    const p = stats('assert-held-ok', 'spin_lock(s.stats_lock); add_stat(s); spin_unlock(s.stats_lock);');
    const r = await explore(p, { trials: 1000, seed: 1 });
    expect(r.findings.map((x) => x.kind)).toEqual([]);
    expect(r.trials).toBe(1000);
  }, 120_000);

  it('holds for a mutex too, and a lock held by another CPU does not count', async () => {
    const p = scenarioFile(
      'assert-held-mutex',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { m: mutex() },
  tasks: [
    { cpu: 0, run: (s) => { mutex_lock(s.m); lockdep_assert_held(s.m); mutex_unlock(s.m); } },
    { cpu: 1, run: (s) => { lockdep_assert_held(s.m); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 100, seed: 2 });
    expect(r.findings.map((x) => x.kind)).toEqual(['lockdep-assert']);
    expect(r.findings[0]!.title).toContain(`at ${siteOf(p, '{ lockdep_assert_held(s.m); }')}`);
  }, 120_000);
});

describe('lockdep_assert_held_write and lockdep_assert_held_read', () => {
  it('say which side of an rwlock or rwsem is held: the wrong side is a lockdep-assert WARNING', async () => {
    const p = (name: string, body: string): string =>
      oneTaskScenario(
        name,
        `rwlock, rw_semaphore, mutex, read_lock, read_unlock, write_lock, write_unlock, down_read, up_read, down_write,
  up_write, mutex_lock, mutex_unlock, lockdep_assert_held_write, lockdep_assert_held_read`,
        'tbl: rwlock(), sem: rw_semaphore(), m: mutex()',
        body,
      );
    const clean = p(
      'assert-held-sides',
      `read_lock(s.tbl); lockdep_assert_held_read(s.tbl); read_unlock(s.tbl);
      write_lock(s.tbl); lockdep_assert_held_write(s.tbl); write_unlock(s.tbl);
      down_read(s.sem); lockdep_assert_held_read(s.sem); up_read(s.sem);
      down_write(s.sem); lockdep_assert_held_write(s.sem); up_write(s.sem);
      mutex_lock(s.m); lockdep_assert_held_write(s.m); mutex_unlock(s.m);`,
    );
    expect((await explore(clean, { trials: 20 })).findings).toEqual([]);
    const wrong = p('assert-held-wrong-side', 'down_read(s.sem); lockdep_assert_held_write(s.sem); up_read(s.sem);');
    const r = await explore(wrong, { trials: 20 });
    expect(r.findings.map((x) => x.kind)).toEqual(['lockdep-assert']);
    expect(r.findings[0]!.report).toContain('lockdep_assert_held_write(sem) failed');
    const none = p('assert-held-read-none', 'lockdep_assert_held_read(s.tbl);');
    expect((await explore(none, { trials: 5 })).findings.map((x) => x.kind)).toEqual(['lockdep-assert']);
  }, 120_000);
});

describe('lockdep_assert_irqs_disabled', () => {
  const scenarioOf = (name: string, body: string) =>
    scenarioFile(
      name,
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { n: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { ${body} } }],
});
`,
    );

  it('called with irqs on is a lockdep-assert WARNING', async () => {
    const p = scenarioOf('irqs-on', 'lockdep_assert_irqs_disabled(); s.n.value = 1;');
    const r = await explore(p, { trials: 20 });
    expect(r.findings.map((x) => x.kind)).toEqual(['lockdep-assert']);
    expect(r.findings[0]!.report).toContain('lockdep_assert_irqs_disabled() failed');
  }, 60_000);

  it('inside local_irq_save is clean', async () => {
    const p = scenarioOf(
      'irqs-off',
      'const f = local_irq_save(); lockdep_assert_irqs_disabled(); s.n.value = 1; local_irq_restore(f);',
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
  }, 60_000);
});

describe('raw spinlocks and SINGLE_DEPTH_NESTING', () => {
  it('raw_spin_lock_irqsave around a counter shared with an irq handler is clean over 1,000 trials', async () => {
    const p = scenarioFile(
      'raw-ok',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: raw_spinlock(), n: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { const f = raw_spin_lock_irqsave(s.lock); lockdep_assert_held(s.lock); s.n.value = s.n.value + 1; raw_spin_unlock_irqrestore(s.lock, f); } },
    { cpu: 1, run: (s) => { const f = raw_spin_lock_irqsave(s.lock); s.n.value = s.n.value + 1; raw_spin_unlock_irqrestore(s.lock, f); } },
  ],
  irqs: [{ irq: 5, cpus: [0, 1], handler: (s) => { raw_spin_lock(s.lock); s.n.value = s.n.value + 1; raw_spin_unlock(s.lock); return IRQ_HANDLED; } }],
});
`,
    );
    const r = await explore(p, { trials: 1000, seed: 3 });
    expect(r.findings).toEqual([]);
  }, 120_000);

  it("raw_spin_lock in process context and in an irq handler without irqs off is lockdep's inconsistent lock state", async () => {
    const p = scenarioFile(
      'raw-bug',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { lock: raw_spinlock(), n: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { raw_spin_lock(s.lock); s.n.value = 1; raw_spin_unlock(s.lock); } }],
  irqs: [{ irq: 5, cpus: [0], handler: (s) => { raw_spin_lock(s.lock); raw_spin_unlock(s.lock); return IRQ_HANDLED; } }],
});
`,
    );
    const r = await explore(p, { trials: 200, seed: 1 });
    expect(r.findings.map((x) => x.kind)).toContain('inconsistent-lock-state');
  }, 120_000);

  it('two locks of one class taken with SINGLE_DEPTH_NESTING are not recursive locking', async () => {
    const body = (inner: string) =>
      scenarioFile(
        'nesting',
        `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { node: spinlocks(2) },
  tasks: [{ cpu: 0, run: (s) => { spin_lock(s.node[0]); ${inner}; spin_unlock(s.node[1]); spin_unlock(s.node[0]); } }],
});
`,
      );
    const ok = await explore(body('spin_lock_nested(s.node[1], SINGLE_DEPTH_NESTING)'), { trials: 100 });
    expect(ok.findings).toEqual([]);
    const bad = await explore(body('spin_lock(s.node[1])'), { trials: 100 });
    expect(bad.findings.map((x) => x.kind)).toEqual(['recursive-locking']);
  }, 120_000);
});
