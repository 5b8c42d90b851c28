/**
 * Exclusive waiters: wake_up() wakes every non-exclusive waiter and one exclusive waiter,
 * wake_up_all() wakes them all. Consumers queued exclusively do not all wake for one item (no
 * thundering herd); two items announced with one wake_up() leave the second consumer asleep.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, wait_queue_head, atomic, atomic_read, atomic_inc, atomic_add, atomic_add_unless,
  prepare_to_wait, prepare_to_wait_exclusive, finish_wait, schedule, wake_up, wake_up_all,
  wait_event_interruptible_exclusive, TASK_UNINTERRUPTIBLE,
} from 'smpsim';`;

function file(name: string, body: string): string {
  return scenarioFile(name, `${IMPORTS}\nexport default scenario(${body});\n`);
}

/**
 * Three consumers sleep for an item each (the low-level loop, counting every return from a
 * sleep); a producer adds three items one at a time, with a wake_up() after each. A consumer
 * that got an item passes the wake-up on while items remain: a waiter that was queued but had
 * not gone to sleep yet may have taken the wake-up meant for an item it did not take (the
 * kernel's try_to_wake_up() counts it woken too).
 */
function herd(name: string, prepare: 'prepare_to_wait' | 'prepare_to_wait_exclusive'): string {
  const consumer = `(s: any) => {
    for (;;) {
      ${prepare}(s.wq, null, TASK_UNINTERRUPTIBLE);
      if (atomic_add_unless(s.items, -1, 0)) break;
      schedule();
      atomic_inc(s.woken);
    }
    finish_wait(s.wq);
    if (atomic_read(s.items) > 0) { atomic_inc(s.wakes); wake_up(s.wq); }
  }`;
  return file(
    name,
    `{
    cpus: 4,
    state: { wq: wait_queue_head(), items: atomic(0), woken: atomic(0), wakes: atomic(0) },
    tasks: [
      { cpu: 0, run: ${consumer} },
      { cpu: 1, run: ${consumer} },
      { cpu: 2, run: ${consumer} },
      { cpu: 3, run: (s) => { for (let i = 0; i < 3; i++) { atomic_inc(s.items); atomic_inc(s.wakes); wake_up(s.wq); } } },
    ],
    // a wake_up() wakes at most one exclusive waiter: no more wake-ups than wake_up() calls
    check: (s) =>
      atomic_read(s.woken) <= atomic_read(s.wakes) ||
      \`\${atomic_read(s.woken)} tasks woken by \${atomic_read(s.wakes)} wake_up() calls\`,
  }`,
  );
}

describe('exclusive waiters', () => {
  it('exclusive consumers: each wake_up() wakes one of them, clean over 1,000 trials', async () => {
    const r = await explore(herd('herd-exclusive', 'prepare_to_wait_exclusive'), { trials: 1000 });
    expect(r.trials).toBe(1000);
    expect(r.findings).toEqual([]);
  }, 180_000);

  it('the same consumers queued with prepare_to_wait: a wake_up() wakes them all (thundering herd)', async () => {
    const r = await explore(herd('herd-all', 'prepare_to_wait'), { trials: 1000 });
    const f = r.findings.find((x) => x.kind === 'assertion');
    const m = /(\d+) tasks woken by (\d+) wake_up\(\) calls/.exec(f?.title ?? '');
    expect(Number(m?.[1])).toBeGreaterThan(Number(m?.[2]));
  }, 180_000);

  /** Two consumers wait exclusively; the producer announces two items with `wake`. */
  function twoItems(name: string, wake: string): string {
    const consumer = `(s: any) => { wait_event_interruptible_exclusive(s.wq, () => atomic_add_unless(s.items, -1, 0)); }`;
    return file(
      name,
      `{
      cpus: 3,
      state: { wq: wait_queue_head(), items: atomic(0) },
      tasks: [
        { cpu: 0, name: 'consumer0', run: ${consumer} },
        { cpu: 1, name: 'consumer1', run: ${consumer} },
        { cpu: 2, name: 'producer', run: (s) => { atomic_add(2, s.items); ${wake} } },
      ],
    }`,
    );
  }

  it('two items and one wake_up(): the second exclusive waiter is never woken (hung-task)', async () => {
    const p = twoItems('two-items-one-wake', 'wake_up(s.wq);');
    const r = await explore(p, { trials: 1000 });
    // consumer0 or consumer1, whichever went to sleep first and was not the one woken
    expect(new Set(r.findings.map((f) => f.kind))).toEqual(new Set(['hung-task']));
    const f = r.findings[0]!;
    expect(f.title).toMatch(/^INFO: task consumer[01]:\d+ blocked for more than 120 seconds\.$/);
    const who = /consumer[01]/.exec(f.title)![0];
    expect(f.report).toContain(` schedule()\n at: ${siteOf(p, `name: '${who}'`)}`);
  }, 180_000);

  it('two items and wake_up_all(): clean over 1,000 trials', async () => {
    const r = await explore(twoItems('two-items-wake-all', 'wake_up_all(s.wq);'), { trials: 1000 });
    expect(r.findings).toEqual([]);
  }, 180_000);
});
