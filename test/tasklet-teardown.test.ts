/**
 * tasklet_kill, tasklet_disable and tasklet_enable: a driver's teardown kills its tasklet before
 * freeing what the tasklet uses; a disabled tasklet stays queued and runs only once enabled.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';
import { scenarioFile, siteOf } from './helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, shared, atomic, atomic_read, atomic_set, atomic_inc, spinlock, spin_lock, spin_unlock,
  tasklet, tasklet_schedule, tasklet_kill, tasklet_disable, tasklet_enable, kzalloc, kfree, kobj_write,
  READ_ONCE, WRITE_ONCE, GFP_KERNEL, msleep, BUG_ON,
} from 'smpsim';`;

function file(name: string, body: string): string {
  return scenarioFile(name, `${IMPORTS}\nexport default scenario(${body});\n`);
}

/** CPU1 queues the tasklet, which writes the device's buffer; CPU0 tears the device down. */
function teardown(name: string, free: string): string {
  return file(
    name,
    `{
    cpus: 2,
    state: { buf: shared(0), ready: atomic(0), queued: atomic(0),
             rx: tasklet((s: any) => { kobj_write(READ_ONCE(s.buf), 0, 1); }) },
    tasks: [
      { cpu: 0, name: 'remove', run: (s) => {
        WRITE_ONCE(s.buf, kzalloc(8, GFP_KERNEL));
        atomic_set(s.ready, 1);
        while (atomic_read(s.queued) === 0) msleep(1);
        ${free}
      } },
      { cpu: 1, name: 'rx', run: (s) => {
        while (atomic_read(s.ready) === 0) msleep(1);
        tasklet_schedule(s.rx);
        atomic_set(s.queued, 1);
      } },
    ],
  }`,
  );
}

describe('tasklet teardown and disabling', () => {
  it('tasklet_kill, then kfree of what the tasklet uses: clean over 1,000 trials', async () => {
    const r = await explore(teardown('kill-then-free', 'tasklet_kill(s.rx); kfree(READ_ONCE(s.buf));'), {
      trials: 1000,
    });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('kfree without tasklet_kill: the tasklet writes freed memory (KASAN)', async () => {
    const p = teardown('free-no-kill', 'kfree(READ_ONCE(s.buf));');
    const r = await explore(p, { trials: 500 });
    const f = r.findings.find((x) => x.kind === 'use-after-free');
    expect(f?.title).toMatch(/^BUG: KASAN: slab-use-after-free in /);
    expect(f?.report).toContain(siteOf(p, 'kobj_write('));
  }, 120_000);

  it('a disabled tasklet stays queued and does not run until tasklet_enable; then it runs once', async () => {
    const p = file(
      'disable-enable',
      `{
      cpus: 1,
      state: { ran: atomic(0), t: tasklet((s: any) => { atomic_inc(s.ran); }) },
      tasks: [{ cpu: 0, run: (s) => {
        tasklet_disable(s.t);
        tasklet_schedule(s.t);
        msleep(5);
        BUG_ON(atomic_read(s.ran) !== 0);
        tasklet_enable(s.t);
        tasklet_kill(s.t);
        BUG_ON(atomic_read(s.ran) !== 1);
      } }],
    }`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  }, 120_000);

  it('without tasklet_disable the same tasklet may run during the sleep (the check above can fail)', async () => {
    const p = file(
      'no-disable',
      `{
      cpus: 1,
      state: { ran: atomic(0), t: tasklet((s: any) => { atomic_inc(s.ran); }) },
      tasks: [{ cpu: 0, run: (s) => { tasklet_schedule(s.t); msleep(5); BUG_ON(atomic_read(s.ran) !== 0); } }],
    }`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings.map((f) => f.kind)).toContain('assertion');
  }, 120_000);

  it('tasklet_kill under a spinlock: sleep-in-atomic at the call', async () => {
    const p = file(
      'kill-atomic',
      `{
      cpus: 1,
      state: { lock: spinlock(), t: tasklet(() => {}) },
      tasks: [{ cpu: 0, run: (s) => { spin_lock(s.lock); tasklet_kill(s.t); spin_unlock(s.lock); } }],
    }`,
    );
    const r = await explore(p, { trials: 5 });
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
    expect(f?.title).toBe(`BUG: sleeping function called from invalid context at ${siteOf(p, 'tasklet_kill(s.t)')}`);
  }, 60_000);
});
