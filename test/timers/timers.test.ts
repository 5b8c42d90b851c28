import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile } from '../helpers.ts';

afterAll(() => shutdown());

const kinds = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => f.kind);
const IMPORTS = `import { scenario, spinlock, spin_lock, spin_unlock, spin_lock_bh, spin_unlock_bh, shared, atomic, atomic_inc, atomic_read,
  timer_list, mod_timer, add_timer, del_timer, del_timer_sync, timer_delete_sync, timer_pending, get_jiffies_64, HZ,
  in_softirq, msleep, BUG_ON } from 'smpsim';`;

describe('timer_list: expiry is a scheduler choice, the callback runs in TIMER_SOFTIRQ', () => {
  it('a timer armed and deleted with del_timer_sync, its lock taken with _bh: clean over 1,000 trials', async () => {
    const p = scenarioFile(
      'timer-ok',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), hits: shared(0), t: timer_list((s: any) => { BUG_ON(!in_softirq()); spin_lock(s.lock); s.hits.value++; spin_unlock(s.lock); }) },
  tasks: [
    { cpu: 0, run: (s) => { mod_timer(s.t, get_jiffies_64() + HZ); spin_lock_bh(s.lock); s.hits.value++; spin_unlock_bh(s.lock); del_timer_sync(s.t); } },
    { cpu: 1, run: (s) => { spin_lock_bh(s.lock); s.hits.value++; spin_unlock_bh(s.lock); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
  });

  it('the callback runs once jiffies reach its expiry, on the CPU that armed it, and may re-arm itself', async () => {
    const p = scenarioFile(
      'timer-runs',
      `${IMPORTS}
import { smp_processor_id } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { runs: atomic(0), t: timer_list((s: any) => {
    BUG_ON(smp_processor_id() !== 1 || get_jiffies_64() < 100);
    if (atomic_read(s.runs) === 0) mod_timer(s.t, get_jiffies_64() + 100);
    atomic_inc(s.runs);
  }) },
  tasks: [
    { cpu: 1, run: (s) => { BUG_ON(mod_timer(s.t, 100) !== 0); BUG_ON(timer_pending(s.t) !== 1 && atomic_read(s.runs) === 0); } },
    { cpu: 0, run: () => {} },
  ],
  check: (s) => atomic_read(s.runs) < 2 || 'the timer ran twice',
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    // the only finding is the check saying the timer (re-armed by its own callback) ran twice:
    // the callback ran on CPU1, after jiffies reached 100, and its re-arming took
    expect(kinds(r)).toEqual(['assertion']);
    expect(r.findings[0]!.report).toContain('the timer ran twice');
  });

  it('del_timer cancels a pending timer: its callback never runs afterwards', async () => {
    const p = scenarioFile(
      'timer-del',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { ran: atomic(0), t: timer_list((s: any) => { atomic_inc(s.ran); }) },
  tasks: [{ cpu: 0, run: (s) => { add_timer(s.t, 10); const was = del_timer(s.t); BUG_ON(was === 0 && atomic_read(s.ran) === 0); BUG_ON(timer_pending(s.t) !== 0); } }],
});
`,
    );
    expect((await explore(p, { trials: 500 })).findings).toEqual([]);
  });

  it('a lock shared with process context taken with plain spin_lock: {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W}', async () => {
    const p = scenarioFile(
      'timer-plain-lock',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), ran: atomic(0), hits: shared(0), t: timer_list((s: any) => { spin_lock(s.lock); s.hits.value++; spin_unlock(s.lock); atomic_inc(s.ran); }) },
  tasks: [
    { cpu: 1, run: (s) => { mod_timer(s.t, get_jiffies_64() + HZ); } },
    { cpu: 0, run: (s) => { while (atomic_read(s.ran) === 0) msleep(100); spin_lock(s.lock); s.hits.value++; spin_unlock(s.lock); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 500 });
    const f = r.findings.filter((x) => x.kind === 'inconsistent-lock-state');
    const report = f.map((x) => x.report).join('\n');
    expect(report).toContain('inconsistent {IN-SOFTIRQ-W} -> {SOFTIRQ-ON-W} usage.');
    expect(report).toContain('WARNING: inconsistent lock state');
  });

  it('del_timer_sync under the lock its callback takes: circular-dependency, and the deadlock where it happens', async () => {
    const p = scenarioFile(
      'timer-sync-deadlock',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), hits: shared(0), t: timer_list((s: any) => { spin_lock(s.lock); s.hits.value++; spin_unlock(s.lock); }) },
  tasks: [
    { cpu: 1, run: (s) => { mod_timer(s.t, get_jiffies_64() + HZ); } },
    { cpu: 0, run: (s) => { spin_lock_bh(s.lock); timer_delete_sync(s.t); spin_unlock_bh(s.lock); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(kinds(r).sort()).toEqual(['circular-dependency', 'deadlock']);
    const circ = r.findings.find((f) => f.kind === 'circular-dependency')!;
    expect(circ.report).toContain('WARNING: possible circular locking dependency detected');
    expect(circ.report).toContain('(t)');
    const dl = r.findings.find((f) => f.kind === 'deadlock')!;
    expect(dl.report).toContain('<SoftIRQ> on CPU1');
    expect(dl.report).toContain('*** DEADLOCK ***');
  });

  it("del_timer_sync from the timer's own callback is recursive locking of its map", async () => {
    const p = scenarioFile(
      'timer-sync-self',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { t: timer_list((s: any) => { del_timer_sync(s.t); }) },
  tasks: [{ cpu: 0, run: (s) => { mod_timer(s.t, 1); msleep(5); } }],
});
`,
    );
    const r = await explore(p, { trials: 200 });
    const f = r.findings.find((x) => x.kind === 'recursive-locking');
    expect(f).toBeDefined();
    expect(f!.report).toContain('WARNING: possible recursive locking detected');
  });

  it('bad input: a non-integer expiry is a usage error, not a silent pass', async () => {
    const p = scenarioFile(
      'timer-bad',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { t: timer_list(() => {}) },
  tasks: [{ cpu: 0, run: (s) => { mod_timer(s.t, 1.5); } }],
});
`,
    );
    const r = await explore(p, { trials: 5 });
    expect(kinds(r)).toEqual(['exception']);
    expect(r.findings[0]!.report).toContain('mod_timer(): expires must be an integer');
  });
});
