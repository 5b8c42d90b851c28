import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../../src/index.ts';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const kinds = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => f.kind).sort();
const IMPORTS = `import { scenario, shared, atomic, atomic_inc, atomic_read, kthread_run, kthread_stop, kthread_should_stop,
  set_current_state, __set_current_state, schedule, wake_up_process, current, in_interrupt, msleep, mutex, mutex_lock,
  mutex_unlock, TASK_INTERRUPTIBLE, TASK_UNINTERRUPTIBLE, TASK_RUNNING, EINTR, BUG_ON } from 'smpsim';`;

/** The classic kthread: a loop that sleeps until woken, and stops when asked. */
const poller = (body: string) =>
  scenarioFile(
    'kthread',
    `${IMPORTS}
const poller = (s: any) => {
  BUG_ON(in_interrupt() || current().comm !== 'poller', 'not a kthread in process context');
  while (!kthread_should_stop()) {
    mutex_lock(s.lock); s.polls.value = s.polls.value + 1; mutex_unlock(s.lock);
    set_current_state(TASK_INTERRUPTIBLE);
    if (kthread_should_stop()) { __set_current_state(TASK_RUNNING); break; }
    schedule();
  }
  return 7;
};
export default scenario({
  cpus: 2,
  state: { lock: mutex(), polls: shared(0) },
  kthreads: { poller },
  tasks: [{ cpu: 0, run: (s) => { ${body} } }],
});
`,
  );

describe('kthread_run / kthread_should_stop / kthread_stop', () => {
  it('a polling thread woken, then stopped: clean over 1,000 trials, kthread_stop gives its exit code', async () => {
    const p = poller(`
    const t = kthread_run(poller, 'poller');
    BUG_ON(t.comm !== 'poller', 'comm ' + t.comm);
    msleep(10);
    wake_up_process(t);
    mutex_lock(s.lock); s.polls.value = s.polls.value; mutex_unlock(s.lock);
    const r = kthread_stop(t);
    // -EINTR when it was stopped before it ever ran
    BUG_ON(r !== 7 && r !== -EINTR, 'kthread_stop returned ' + r);`);
    expect((await explore(p, { trials: 1000 })).findings).toEqual([]);
    expect((await explore(p, { trials: 1000, strategy: 'pct' })).findings).toEqual([]);
  });

  it('both exit codes happen: 7 when the thread ran, -EINTR when it was stopped before running', async () => {
    const p = poller(`
    const t = kthread_run(poller, 'poller');
    BUG_ON(kthread_stop(t) === -EINTR, 'stopped before it ran');`);
    const r = await explore(p, { trials: 500 });
    expect(kinds(r)).toEqual(['assertion']);
    expect(r.findings[0]!.report).toContain('stopped before it ran');
    expect(r.findings[0]!.count).toBeLessThan(500);
  });

  it('a thread that never checks kthread_should_stop and sleeps for good: hung-task for its stopper', async () => {
    const p = scenarioFile(
      'kthread-hung',
      `${IMPORTS}
const poller = (s: any) => {
  for (;;) {
    atomic_inc(s.polls);
    set_current_state(TASK_UNINTERRUPTIBLE);
    schedule();
  }
};
export default scenario({
  cpus: 2,
  state: { polls: atomic(0) },
  kthreads: { poller },
  tasks: [{ cpu: 0, name: 'rmmod', run: (s) => {
    const t = kthread_run(poller, 'poller');
    while (atomic_read(s.polls) === 0) msleep(10);
    kthread_stop(t);
  } }],
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(kinds(r)).toEqual(['hung-task']);
    const f = r.findings[0]!;
    expect(f.count).toBe(1000);
    expect(f.title).toBe('INFO: task rmmod:1001 blocked for more than 120 seconds.');
    expect(f.report).toContain('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    expect(f.report).toContain(` kthread_stop(poller)\n at: ${siteOf(p, 'kthread_stop(t)')}`);
    expect(f.report).toContain(`INFO: task poller:1004 blocked for more than 120 seconds.`);
    expect(f.report).toContain(` schedule()\n at: ${siteOf(p, 'schedule();')}`);
    // the report replays to the same text
    const again = await replay(p, f.replay);
    expect(again.findings.find((x) => x.kind === 'hung-task')!.report).toBe(f.report);
  });

  it('a race between the creator and its kthread is found; the kthread_run edge orders what came before', async () => {
    const p = scenarioFile(
      'kthread-race',
      `${IMPORTS}
const worker = (s: any) => { s.cfg.value = s.cfg.value + 1; return 0; };
export default scenario({
  cpus: 2,
  state: { cfg: shared(0) },
  kthreads: { worker },
  tasks: [{ cpu: 0, run: (s) => { s.cfg.value = 1; const t = kthread_run(worker, 'worker'); s.cfg.value = 5; kthread_stop(t); s.cfg.value = 9; } }],
});
`,
    );
    const r = await explore(p, { trials: 500 });
    expect(kinds(r)).toEqual(['data-race']);
    // only the write between kthread_run and kthread_stop races with the thread
    expect(r.findings[0]!.sites.sort()).toEqual([siteOf(p, 'const worker'), siteOf(p, 's.cfg.value = 1')].sort());
  });

  it('kthread_create: the thread starts at its first wake_up_process, which orders what came before; never woken, kthread_stop gives -EINTR', async () => {
    const p = scenarioFile(
      'kthread-create',
      `import { scenario, shared, kthread_create, wake_up_process, kthread_stop, kthread_should_stop, msleep, EINTR } from 'smpsim';
const worker = (s: any) => { s.seen.value = s.cfg.value; s.cfg.value = 6; while (!kthread_should_stop()) msleep(1); return 7; };
const never = (s: any) => { s.ran.value = 1; return 0; };
export default scenario({
  cpus: 2,
  state: { cfg: shared(0), seen: shared(0), ran: shared(0), codes: shared(0) },
  kthreads: { worker, never },
  tasks: [{ cpu: 0, run: (s) => {
    const t = kthread_create(worker, 'worker');
    const n = kthread_create(never, 'never');
    s.cfg.value = 5;
    wake_up_process(t);
    const a = kthread_stop(t);
    s.codes.value = a * 100 + kthread_stop(n);
  } }],
  // stopped before its first step, a woken thread never runs its function either (kthread())
  check: (s) => s.ran.value === 0 &&
    ((s.seen.value === 5 && s.codes.value === 700 - EINTR) || (s.seen.value === 0 && s.codes.value === -101 * EINTR)) ||
    \`seen=\${s.seen.value} ran=\${s.ran.value} codes=\${s.codes.value}\`,
});
`,
    );
    // no data race on cfg either: the wake-up that starts the thread orders the write before it
    const r = await explore(p, { trials: 1000 });
    expect(r.findings.map((f) => f.title)).toEqual([]);
  });

  it('kthread_run of a thread kthread_create already made is a usage error (exit 2)', () => {
    const p = scenarioFile(
      'kthread-create-run',
      `${IMPORTS}
const worker = () => 0;
export default scenario({
  cpus: 1,
  state: {},
  kthreads: { worker },
  tasks: [{ cpu: 0, run: () => { kthread_create(worker, 'worker'); kthread_run(worker, 'worker'); } }],
});
`.replace('kthread_run, kthread_stop', 'kthread_run, kthread_create, kthread_stop'),
    );
    const r = cli(['run', p, '--trials', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^smpsim: kthread_run\(fn\): kthreads\.worker was already /);
  });

  it('kthread_run of a function the scenario does not declare is a usage error (exit 2)', () => {
    const p = scenarioFile(
      'kthread-undeclared',
      `${IMPORTS}
const worker = () => 0;
export default scenario({
  cpus: 1,
  state: {},
  tasks: [{ cpu: 0, run: () => { kthread_run(worker, 'worker'); } }],
});
`,
    );
    const r = cli(['run', p, '--trials', '3']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('kthread_run(fn): fn must be declared in the scenario (kthreads: { name: fn })');
  });
});
