/**
 * queue_work / flush_work / cancel_work_sync, and lockdep's "(work_completion)(&w)" map: the
 * kworker holds it around the work function, flush and cancel take and drop it, so waiting for
 * a work while holding a lock its function takes is a circular dependency on the first trial,
 * whether or not that trial deadlocks.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, mutex, mutex_lock, mutex_unlock, shared, atomic, atomic_inc, atomic_read, msleep, work,
  schedule_work, queue_work, queue_work_on, flush_work, cancel_work, cancel_work_sync, work_pending,
  system_wq, system_long_wq,
} from 'smpsim';`;

function file(name: string, body: string): string {
  return scenarioFile(name, `${IMPORTS}\nexport default scenario(${body});\n`);
}

const kinds = (r: { findings: { kind: string }[] }): string[] => [...new Set(r.findings.map((f) => f.kind))].sort();

/**
 * A driver: its work is queued once, and the teardown waits for it with the mutex the work
 * takes held, or not. flush_work waits for that run, so the work runs in every trial (first,
 * or into the deadlock). cancel_work_sync may take the work off its queue before it ever ran,
 * and then lockdep (the kernel's too) never learns what it takes: for it the work runs once
 * first and is queued again.
 */
function teardown(name: string, wait: 'flush_work' | 'cancel_work_sync', underMutex: boolean): string {
  const waitCall = `${wait}(s.w);`;
  const probe =
    wait === 'flush_work'
      ? 'queue_work(system_wq, s.w); msleep(1);'
      : 'queue_work(system_wq, s.w); flush_work(s.w); queue_work(system_wq, s.w);';
  const body = underMutex
    ? `mutex_lock(s.m); ${waitCall} mutex_unlock(s.m);`
    : `${waitCall} mutex_lock(s.m); mutex_unlock(s.m);`;
  return file(
    name,
    `{
    cpus: 2,
    state: { m: mutex(), hits: shared(0), w: work((s: any) => { mutex_lock(s.m); s.hits.value++; mutex_unlock(s.m); }) },
    tasks: [
      { cpu: 0, name: 'probe', run: (s) => { ${probe} } },
      { cpu: 1, name: 'remove', run: (s) => { msleep(1); ${body} } },
    ],
  }`,
  );
}

describe('work items and the (work_completion) lockdep map', () => {
  it('flush_work without the lock its work takes: clean over 1,000 trials', async () => {
    const r = await explore(teardown('flush-clean', 'flush_work', false), { trials: 1000 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('flush_work under a mutex the work takes: circular-dependency on trial 1, deadlock or not', async () => {
    const p = teardown('flush-under-mutex', 'flush_work', true);
    let deadlocked = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const r = await explore(p, { trials: 1, seed });
      expect(r.trials).toBe(1);
      expect(kinds(r)).toContain('circular-dependency');
      if (kinds(r).includes('deadlock')) deadlocked++;
      const f = r.findings.find((x) => x.kind === 'circular-dependency')!;
      expect(f.title).toBe('WARNING: possible circular locking dependency detected');
      expect(f.report).toContain('((work_completion)(&w))');
      expect(f.report).toContain('(m)');
      expect(f.locks.sort()).toEqual(['(work_completion)(&w)', 'm']);
    }
    // the verdict does not hang on the interleaving: some of these trials deadlocked, some not
    expect(deadlocked).toBeGreaterThan(0);
    expect(deadlocked).toBeLessThan(8);
  }, 120_000);

  it('cancel_work_sync under a mutex the work takes: circular-dependency on trial 1, with the call site', async () => {
    const p = teardown('cancel-under-mutex', 'cancel_work_sync', true);
    for (const seed of [1, 2, 3, 4]) {
      const r = await explore(p, { trials: 1, seed });
      const f = r.findings.find((x) => x.kind === 'circular-dependency');
      expect(f?.report).toContain('((work_completion)(&w))');
      expect(f?.report).toContain(siteOf(p, 'cancel_work_sync(s.w)'));
    }
  }, 120_000);

  it('cancel_work_sync without the lock: clean over 1,000 trials', async () => {
    const r = await explore(teardown('cancel-clean', 'cancel_work_sync', false), { trials: 1000 });
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('cancel_work takes a pending work off its queue (true) and it never runs; queue_work_on targets a CPU', async () => {
    const p = file(
      'cancel-pending',
      `{
      cpus: 2,
      state: { ran: atomic(0), q: shared(-1), c: shared(-1), cs: shared(-1), w: work((s: any) => { atomic_inc(s.ran); }) },
      tasks: [
        { cpu: 0, run: (s) => {
          s.q.value = queue_work_on(1, system_long_wq, s.w) ? 1 : 0;
          s.c.value = cancel_work(s.w) ? 1 : 0;       // 1 unless kworker/1 took it first
          s.cs.value = cancel_work_sync(s.w) ? 1 : 0; // nothing is pending any more
        } },
      ],
      check: (s) =>
        (s.q.value === 1 && s.cs.value === 0 && atomic_read(s.ran) === 1 - s.c.value) ||
        \`queued \${s.q.value}, cancelled \${s.c.value}, cancelled_sync \${s.cs.value}, ran \${atomic_read(s.ran)}\`,
    }`,
    );
    const r = await explore(p, { trials: 300 });
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('flush_work from the work itself is recursive locking of its map', async () => {
    const p = file(
      'flush-self',
      `{
      cpus: 1,
      state: { w: work((s: any) => { flush_work(s.w); }) },
      tasks: [{ cpu: 0, run: (s) => { schedule_work(s.w); msleep(1); } }],
    }`,
    );
    const r = await explore(p, { trials: 20 });
    const f = r.findings.find((x) => x.kind === 'recursive-locking');
    expect(f?.title).toBe('WARNING: possible recursive locking detected');
    expect(f?.report).toContain('((work_completion)(&w))');
  }, 60_000);

  it('queue_work on something that is not a system workqueue is a usage error (exit 2)', () => {
    const p = file(
      'queue-bad-wq',
      `{ cpus: 1, state: { w: work(() => {}) }, tasks: [{ cpu: 0, run: (s: any) => { queue_work({} as any, s.w); } }] }`,
    );
    const r = cli(['run', p, '--trials', '5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('queue_work(): the workqueue must be one of system_wq');
  }, 60_000);
});
