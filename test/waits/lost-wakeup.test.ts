import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

describe('set_current_state / schedule / wake_up_process', () => {
  it('lost wake-up (condition tested before set_current_state): hung-task, and its token replays it', async () => {
    const p = 'exercises/lost-wakeup/buggy.ts';
    const r = await explore(p, { trials: 500 });
    expect(r.findings.map((f) => f.kind)).toEqual(['hung-task']);
    const f = r.findings[0]!;
    expect(f.title).toBe('INFO: task consumer:1001 blocked for more than 120 seconds.');
    expect(f.report).toContain(`task:consumer        state:D`);
    expect(f.report).toContain(` at: ${siteOf(p, 'schedule();')}`);
    const again = await replay(p, f.replay);
    expect(again.findings.map((x) => x.title)).toEqual([f.title]);
  });

  it('set_current_state before the test: clean over 1,000 trials', async () => {
    const r = await explore('exercises/lost-wakeup/fixed.ts', { trials: 1000 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  });

  it('a wait-for cycle through a lock stays a deadlock, not a hung task', async () => {
    const p = scenarioFile(
      'mutex-completion-cycle',
      `import { scenario, mutex, completion, mutex_lock, mutex_unlock, complete, wait_for_completion } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { m: mutex(), c: completion() },
  tasks: [
    { cpu: 0, name: 'a', run: (s) => { mutex_lock(s.m); wait_for_completion(s.c); mutex_unlock(s.m); } },
    { cpu: 1, name: 'b', run: (s) => { mutex_lock(s.m); mutex_unlock(s.m); complete(s.c); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    expect(r.findings.map((f) => f.kind)).toContain('deadlock');
    expect(r.findings.map((f) => f.kind)).not.toContain('hung-task');
    const d = r.findings.find((f) => f.kind === 'deadlock')!;
    expect(d.report).toContain('is waiting for completion:');
  });

  it('a task asleep in wait_event() holding the lock its waker spins on: the deadlock names the sleep, not a lock', async () => {
    const p = scenarioFile(
      'wait-event-under-lock',
      `import { scenario, spinlock, shared, wait_queue_head, spin_lock, spin_unlock, wait_event, wake_up } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { qlock: spinlock(), avail: shared(0), rxq: wait_queue_head() },
  tasks: [
    { cpu: 0, run: (s) => { spin_lock(s.qlock); wait_event(s.rxq, () => s.avail.value > 0); spin_unlock(s.qlock); } },
    { cpu: 1, run: (s) => { spin_lock(s.qlock); s.avail.value++; spin_unlock(s.qlock); wake_up(s.rxq); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    const d = r.findings.find((f) => f.kind === 'deadlock')!;
    expect(d.report).toContain(
      `cpu0/1001 on CPU0 is sleeping until woken up:\nwait_event(), at: ${siteOf(p, 'wait_event(s.rxq')}\n`,
    );
    expect(d.report).toContain('cpu1/1002 on CPU1 is trying to acquire lock:\n(qlock)');
    expect(d.report).toMatch(/^ {2}wait_event\(\);$/m);
    expect(d.report).not.toContain('task_state');
  });

  it('kthread_stop() holding the mutex the thread takes: the deadlock says it waits for the kthread to exit', async () => {
    const p = scenarioFile(
      'kthread-stop-under-mutex',
      `import { scenario, mutex, mutex_lock, mutex_unlock, kthread_run, kthread_stop, kthread_should_stop, msleep } from 'smpsim';
function poller(s: any) {
  while (!kthread_should_stop()) { mutex_lock(s.dev_lock); mutex_unlock(s.dev_lock); msleep(10); }
  return 0;
}
export default scenario({
  cpus: 1,
  state: { dev_lock: mutex() },
  kthreads: { poller },
  tasks: [{ cpu: 0, run: (s) => { const t = kthread_run(poller, 'poller'); mutex_lock(s.dev_lock); kthread_stop(t); mutex_unlock(s.dev_lock); } }],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    const d = r.findings.find((f) => f.kind === 'deadlock')!;
    expect(d.report).toContain(`is waiting for a kthread to exit:\n(poller), at: ${siteOf(p, 'kthread_stop(t)')}\n`);
    expect(d.report).toMatch(/^ {2}kthread_stop\(poller\);$/m);
    expect(d.report).not.toContain('lock(poller)');
  });

  it('schedule() with the state still TASK_RUNNING only yields; under a spinlock it is sleep-in-atomic', async () => {
    const p = scenarioFile(
      'schedule-running',
      `import { scenario, spinlock, spin_lock, spin_unlock, schedule } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { l: spinlock() },
  tasks: [{ cpu: 0, run: (s) => { schedule(); spin_lock(s.l); schedule(); spin_unlock(s.l); } }],
});
`,
    );
    const r = await explore(p, { trials: 20 });
    expect(r.findings.map((f) => f.kind)).toContain('sleep-in-atomic');
    expect(r.findings.map((f) => f.kind)).not.toContain('hung-task');
  });
});
