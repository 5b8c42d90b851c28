import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, completion, atomic, atomic_read, atomic_set, complete, complete_all, reinit_completion,
  wait_for_completion, wait_for_completion_timeout, wait_for_completion_interruptible, try_wait_for_completion,
  completion_done, IRQ_HANDLED, ERESTARTSYS,
} from 'smpsim';`;

function file(name: string, body: string): string {
  return scenarioFile(name, `${IMPORTS}\nexport default scenario(${body});\n`);
}

describe('completions', () => {
  it('complete() in an irq handler, wait_for_completion() in a task: clean over 1,000 trials', async () => {
    const r = await explore('exercises/completion-in-irq/fixed.ts', { trials: 1000 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  });

  it('wait_for_completion() in an irq handler: sleep-in-atomic, in hardirq context, at the call', async () => {
    const p = 'exercises/completion-in-irq/buggy.ts';
    const r = await explore(p, { trials: 200 });
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
    expect(f?.title).toBe(
      `BUG: sleeping function called from invalid context at ${siteOf(p, 'wait_for_completion(s.xfer_done)')}`,
    );
    expect(f?.report).toContain('in_atomic(): 1, irqs_disabled(): 1');
    expect(f?.report).toContain('wait_for_completion() may sleep');
  });

  it('a wait that no complete() follows is a hung task, named by its completion', async () => {
    const p = file(
      'never-completed',
      `{
      cpus: 1, state: { c: completion() },
      tasks: [{ cpu: 0, name: 'probe', run: (s) => { wait_for_completion(s.c); } }],
    }`,
    );
    const r = await explore(p, { trials: 5 });
    expect(r.findings.map((f) => f.kind)).toEqual(['hung-task']);
    expect(r.findings[0]!.report).toContain(' wait_for_completion(c)');
  });

  it('complete_all() lets every waiter through, now and later; complete() only one', async () => {
    const body = (done: string) => `{
      cpus: 3, state: { c: completion() },
      tasks: [
        { cpu: 0, name: 'a', run: (s) => { wait_for_completion(s.c); } },
        { cpu: 1, name: 'b', run: (s) => { wait_for_completion(s.c); } },
        { cpu: 2, name: 'c', run: (s) => { ${done}(s.c); } },
      ],
    }`;
    expect((await explore(file('all', body('complete_all')), { trials: 300 })).findings).toEqual([]);
    // whichever of a and b came second sleeps forever
    const one = await explore(file('one', body('complete')), { trials: 100 });
    expect(new Set(one.findings.map((f) => f.kind))).toEqual(new Set(['hung-task']));
  });

  it('try_wait_for_completion, completion_done, reinit_completion and the timeout/interruptible returns', async () => {
    const p = file(
      'calls',
      `{
      cpus: 2, faults: { signals: true },
      state: { c: completion(), d: completion(), t: atomic(-1), i: atomic(-1), bad: atomic(0) },
      tasks: [
        { cpu: 0, run: (s) => {
          if (try_wait_for_completion(s.d)) atomic_set(s.bad, 1);
          complete(s.d);
          if (!completion_done(s.d)) atomic_set(s.bad, 2);
          if (!try_wait_for_completion(s.d)) atomic_set(s.bad, 3);
          complete(s.d); reinit_completion(s.d);
          if (completion_done(s.d)) atomic_set(s.bad, 4);
          atomic_set(s.t, wait_for_completion_timeout(s.c, 50));
        } },
        { cpu: 1, run: (s) => { atomic_set(s.i, wait_for_completion_interruptible(s.c)); complete(s.c); complete(s.c); } },
      ],
      check: (s) => atomic_read(s.bad) === 0 && [0, 50].includes(atomic_read(s.t)) && [0, -ERESTARTSYS].includes(atomic_read(s.i))
        || \`bad=\${atomic_read(s.bad)} t=\${atomic_read(s.t)} i=\${atomic_read(s.i)}\`,
    }`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  });

  it('the CLI: a hung task exits 1 with the khungtaskd report', () => {
    const r = cli(['run', 'exercises/lost-wakeup/buggy.ts', '--trials', '300']);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('INFO: task consumer:1001 blocked for more than 120 seconds.');
    expect(r.stdout).toContain('"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.');
    expect(r.stdout).toContain(` at: ${siteOf('exercises/lost-wakeup/buggy.ts', 'schedule();')}`);
  });
});
