import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, wait_queue_head, atomic, atomic_read, atomic_set, atomic_inc, spinlock, spin_lock, spin_unlock,
  wait_event, wait_event_timeout, wait_event_interruptible, wake_up, wake_up_interruptible, prepare_to_wait,
  finish_wait, schedule, TASK_UNINTERRUPTIBLE, ERESTARTSYS,
} from 'smpsim';`;

/** A waiter on CPU 0 running `wait`, a waker on CPU 1 running `wake`. */
function pair(name: string, wait: string, wake: string, extra = ''): string {
  return scenarioFile(
    name,
    `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { wq: wait_queue_head(), done: atomic(0), lock: spinlock(), ret: atomic(-1) },
  ${extra}
  tasks: [
    { cpu: 0, name: 'waiter', run: (s) => { ${wait} } },
    { cpu: 1, name: 'waker', run: (s) => { ${wake} } },
  ],
});
`,
  );
}

describe('wait queues', () => {
  it('wait_event with the condition set before wake_up: clean over 1,000 trials', async () => {
    const p = pair(
      'wq-ok',
      'wait_event(s.wq, () => atomic_read(s.done) === 1);',
      'atomic_set(s.done, 1); wake_up(s.wq);',
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  });

  it('wake_up before the condition is set: hung-task in khungtaskd words, at the wait', async () => {
    const p = pair(
      'wq-early',
      'wait_event(s.wq, () => atomic_read(s.done) === 1);',
      'wake_up(s.wq); atomic_set(s.done, 1);',
    );
    const r = await explore(p, { trials: 300 });
    expect(r.findings.map((f) => f.kind)).toEqual(['hung-task']);
    const f = r.findings[0]!;
    expect(f.title).toBe('INFO: task waiter:1001 blocked for more than 120 seconds.');
    const lines = f.report.split('\n');
    expect(lines).toContain('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    expect(lines).toContain(' schedule()');
    expect(lines).toContain(` at: ${siteOf(p, 'wait_event(s.wq')}`);
    expect(lines).toContain('Showing all locks held in the system:');
  });

  it('the held locks of every task are shown', async () => {
    const p = pair(
      'wq-held',
      'spin_lock(s.lock); spin_unlock(s.lock); wait_event(s.wq, () => atomic_read(s.done) === 1);',
      'spin_lock(s.lock); wake_up(s.wq); atomic_set(s.done, 1); spin_unlock(s.lock);',
    );
    const r = await explore(p, { trials: 300 });
    const f = r.findings.find((x) => x.kind === 'hung-task');
    expect(f).toBeDefined();
    expect(f!.report).toContain('Showing all locks held in the system:\n');
  });

  it('the low-level pattern: prepare_to_wait before the test is clean; wake_up_interruptible leaves an uninterruptible sleeper asleep', async () => {
    const ok = pair(
      'wq-prep',
      'for (;;) { prepare_to_wait(s.wq, null, TASK_UNINTERRUPTIBLE); if (atomic_read(s.done) === 1) break; schedule(); } finish_wait(s.wq, null);',
      'atomic_set(s.done, 1); wake_up(s.wq);',
    );
    expect((await explore(ok, { trials: 1000 })).findings).toEqual([]);
    const wrongWake = pair(
      'wq-intr',
      'wait_event(s.wq, () => atomic_read(s.done) === 1);',
      'atomic_set(s.done, 1); wake_up_interruptible(s.wq);',
    );
    expect((await explore(wrongWake, { trials: 300 })).findings.map((f) => f.kind)).toEqual(['hung-task']);
  });

  it('wait_event_timeout: 0 when the timeout fires with the condition false, 1 when it fires with it true, the jiffies left otherwise; never a hung task', async () => {
    const p = pair(
      'wq-timeout',
      'atomic_set(s.ret, wait_event_timeout(s.wq, () => atomic_read(s.done) === 1, 100));',
      'wake_up(s.wq); atomic_set(s.done, 1);',
      "check: (s) => [0, 1, 100].includes(atomic_read(s.ret)) || 'ret ' + atomic_read(s.ret),",
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  });

  it('wait_event_interruptible: -ERESTARTSYS when a signal comes (faults.signals), never a hung task', async () => {
    const p = pair(
      'wq-signal',
      'atomic_set(s.ret, wait_event_interruptible(s.wq, () => atomic_read(s.done) === 1));',
      'wake_up(s.wq); atomic_set(s.done, 1);',
      "faults: { signals: true }, check: (s) => atomic_read(s.ret) === 0 || atomic_read(s.ret) === -ERESTARTSYS || 'ret ' + atomic_read(s.ret),",
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  });

  it('wait_event under a spinlock is sleep-in-atomic', async () => {
    const p = pair(
      'wq-atomic',
      'spin_lock(s.lock); wait_event(s.wq, () => atomic_read(s.done) === 1); spin_unlock(s.lock);',
      'atomic_set(s.done, 1); wake_up(s.wq);',
    );
    const r = await explore(p, { trials: 50 });
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
    expect(f?.title).toBe(`BUG: sleeping function called from invalid context at ${siteOf(p, 'wait_event(s.wq')}`);
  });
});
