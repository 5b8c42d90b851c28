import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';
import { scenarioFile, siteOf as at } from './helpers.ts';
import { OBJECT_KINDS } from '../src/machine/object-kinds.ts';
import { WAIT_KEY_SHIFT, waiterKey } from '../src/machine/wait.ts';
import type { ObjectInfo } from '../src/machine/layout.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, spinlock, semaphore, mutex, shared, spin_lock, spin_unlock, spin_lock_irqsave, spin_unlock_irqrestore,
  kmalloc, kfree, GFP_KERNEL, GFP_ATOMIC, msleep, udelay, down, up, down_trylock, down_timeout, mutex_lock,
  mutex_unlock, mutex_trylock, request_irq, IRQ_HANDLED, ETIME,
} from 'smpsim';`;

/** One task on CPU 0 running `task`; irq 10 on CPU 0 running `handler`. */
function withIrq(
  name: string,
  task: string,
  handler: string,
  state = '{ lock: spinlock(), sem: semaphore(1), m: mutex(), n: shared(0) }',
) {
  return scenarioFile(
    name,
    `${IMPORTS}
const nop = () => IRQ_HANDLED;
export default scenario({
  cpus: 1,
  state: ${state},
  handlers: { nop },
  tasks: [{ cpu: 0, run: (s) => { ${task} } }],
  irqs: [{ irq: 10, name: 'dev', cpus: [0], fires: 1, handler: (s) => { ${handler} return IRQ_HANDLED; } }],
});
`,
  );
}

const lines = (report: string): string[] => report.split('\n');

describe('sleep-in-atomic', () => {
  const kmallocUnderLock = (gfp: string) =>
    scenarioFile(
      'kmalloc-lock',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), n: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => {
      spin_lock(s.lock);
      const p = kmalloc(64, ${gfp});
      s.n.value = s.n.value + 1;
      spin_unlock(s.lock);
      kfree(p);
    } },
    { cpu: 1, run: (s) => { spin_lock(s.lock); s.n.value = s.n.value + 1; spin_unlock(s.lock); } },
  ],
});
`,
    );

  it('kmalloc(GFP_KERNEL) under spin_lock: reported on trial 1 with in_atomic(): 1 and the held lock', async () => {
    const p = kmallocUnderLock('GFP_KERNEL');
    const r = await explore(p, { trials: 1 });
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
    expect(f).toBeDefined();
    expect(f!.firstTrial).toBe(0);
    expect(f!.locks).toEqual(['lock']);
    const l = lines(f!.report);
    expect(l).toContain(`BUG: sleeping function called from invalid context at ${at(p, 'kmalloc(64')}`);
    expect(l).toContain('in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1001, name: cpu0');
    expect(l).toContain('preempt_count: 1, expected: 0');
    expect(l).toContain('1 lock held by cpu0/1001:');
    expect(l).toContain(` #0: (lock), at: ${at(p, 'spin_lock(s.lock);')}`);
  });

  it('kmalloc(GFP_ATOMIC) under spin_lock: nothing in 1,000 trials', async () => {
    const r = await explore(kmallocUnderLock('GFP_ATOMIC'), { trials: 1000 });
    expect(r.findings).toEqual([]);
  });

  for (const [what, call] of [
    ['msleep', 'msleep(1);'],
    ['down', 'down(s.sem); up(s.sem);'],
    ['mutex_lock', 'mutex_lock(s.m); mutex_unlock(s.m);'],
    ['request_irq', 'request_irq(10, nop, 0x80, "other", 7);'],
  ] as const) {
    it(`${what} inside an IRQ handler: sleep-in-atomic`, async () => {
      const r = await explore(withIrq(`irq-${what}`, 's.n.value = 1; s.n.value = 2;', call), { trials: 300 });
      const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
      expect(f).toBeDefined();
      expect(f!.report).toContain('in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 1001, name: cpu0');
      expect(f!.report).toContain('preempt_count: 10000, expected: 0');
      expect(f!.report).toContain('(in hardirq context)');
      expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(0);
    });
  }

  it('down_trylock and udelay inside an IRQ handler: nothing', async () => {
    const r = await explore(
      withIrq('irq-ok', 's.n.value = 1; s.n.value = 2;', 'if (down_trylock(s.sem) === 0) up(s.sem); udelay(10);'),
      { trials: 300 },
    );
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(0);
  });

  it('mutex_lock between spin_lock_irqsave and spin_unlock_irqrestore: in_atomic(): 1, irqs_disabled(): 1', async () => {
    const p = withIrq(
      'irqsave-mutex',
      'const f = spin_lock_irqsave(s.lock); mutex_lock(s.m); mutex_unlock(s.m); spin_unlock_irqrestore(s.lock, f);',
      '',
    );
    const r = await explore(p, { trials: 20 });
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic');
    expect(f).toBeDefined();
    expect(f!.title).toBe(`BUG: sleeping function called from invalid context at ${at(p, 'mutex_lock(s.m)')}`);
    expect(lines(f!.report)).toContain('in_atomic(): 1, irqs_disabled(): 1, non_block: 0, pid: 1001, name: cpu0');
  });

  it('a handler doing down(sem) while the interrupted task holds sem: sleep-in-atomic and deadlock', async () => {
    const p = withIrq('irq-down', 'down(s.sem); s.n.value = 1; up(s.sem);', 'down(s.sem); up(s.sem);');
    const r = await explore(p, { trials: 300 });
    const kinds = r.findings.map((x) => x.kind);
    expect(kinds).toContain('sleep-in-atomic');
    expect(kinds).toContain('deadlock');
    expect(kinds).toContain('scheduling-while-atomic');
    const d = r.findings.find((x) => x.kind === 'deadlock')!;
    expect(d.report).toContain('<Interrupt> irq 10 (dev) on CPU0, over cpu0/1001, is trying to acquire lock:');
    const s = r.findings.find((x) => x.kind === 'scheduling-while-atomic')!;
    expect(s.title).toBe('BUG: scheduling while atomic: cpu0/1001/0x00010000');
  });
});

describe('sleeping primitives', () => {
  it('semaphore producer/consumer from count 0 on 2 CPUs: no finding in 1,000 trials, every item arrives', async () => {
    const p = scenarioFile(
      'prodcons',
      `${IMPORTS}
const N = 4;
export default scenario({
  cpus: 2,
  state: { items: semaphore(0), slots: semaphore(2), lock: spinlock(), queued: shared(0), got: shared(0) },
  tasks: [
    { cpu: 0, name: 'producer', run: (s) => {
      for (let i = 0; i < N; i++) { down(s.slots); spin_lock(s.lock); s.queued.value = s.queued.value + 1; spin_unlock(s.lock); up(s.items); }
    } },
    { cpu: 1, name: 'consumer', run: (s) => {
      for (let i = 0; i < N; i++) { down(s.items); spin_lock(s.lock); s.queued.value = s.queued.value - 1; s.got.value = s.got.value + 1; spin_unlock(s.lock); up(s.slots); }
    } },
  ],
  check: (s) => (s.got.value === N && s.queued.value === 0) || \`got \${s.got.value}, queued \${s.queued.value}\`,
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
    expect(r.trials).toBe(1000);
  });

  it('semaphore waiters are let through in FIFO order, and a newcomer queues behind them', () => {
    const sem = OBJECT_KINDS.semaphore.lock;
    const m = new Int32Array(16);
    OBJECT_KINDS.semaphore.reset(m, { offset: 0, words: m.length, init: 0 });
    const key = (cpu: number): number => waiterKey(cpu, 0) << WAIT_KEY_SHIFT;
    sem.waitBegin!(m, 0, key(1));
    sem.waitBegin!(m, 0, key(0));
    sem.release(m, 0, 0);
    expect([sem.canTake(m, 0, key(1)), sem.canTake(m, 0, key(0)), sem.canTake(m, 0, 0)]).toEqual([true, false, false]);
    sem.waitEnd!(m, 0, key(1));
    sem.take(m, 0, 0, 1, 1002);
    sem.release(m, 0, 0);
    expect([sem.canTake(m, 0, key(0)), sem.canTake(m, 0, 0)]).toEqual([true, false]);
    // a waiter that gives up (timeout, signal) leaves the queue wherever it stands
    sem.waitBegin!(m, 0, key(2));
    sem.waitEnd!(m, 0, key(0));
    expect(sem.canTake(m, 0, key(2))).toBe(true);
  });

  it('down_timeout explores both the timeout and the wake-up', async () => {
    const p = scenarioFile(
      'timeout',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { sem: semaphore(0), res: shared(1) },
  tasks: [
    { cpu: 0, run: (s) => { s.res.value = down_timeout(s.sem, 100); } },
    { cpu: 1, run: (s) => { up(s.sem); } },
  ],
  check: (s) => s.res.value === 0 || \`timed out: \${s.res.value}\`,
});
`,
    );
    const r = await explore(p, { trials: 200 });
    const a = r.findings.find((f) => f.kind === 'assertion');
    expect(a).toBeDefined();
    expect(a!.title).toBe('check failed: timed out: -62');
    expect(r.findings.length).toBe(1);
  });

  it('mutex: exclusion holds, trylock returns 1 on success, unlocking a mutex not held is reported', async () => {
    const ok = scenarioFile(
      'mutex-ok',
      `${IMPORTS}
const work = (s: any) => { for (let i = 0; i < 2; i++) { mutex_lock(s.m); s.n.value = s.n.value + 1; mutex_unlock(s.m); } if (mutex_trylock(s.m) === 1) { s.n.value = s.n.value + 1; mutex_unlock(s.m); } };
export default scenario({
  cpus: 2,
  state: { m: mutex(), n: shared(0) },
  tasks: [{ cpu: 0, run: work }, { cpu: 1, run: work }],
  check: (s) => s.n.value >= 4 || \`lost update: \${s.n.value}\`,
});
`,
    );
    expect((await explore(ok, { trials: 500 })).findings).toEqual([]);
    const bad = scenarioFile(
      'mutex-owner',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { m: mutex(), n: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { mutex_lock(s.m); s.n.value = 1; } }, { cpu: 1, run: (s) => { while (s.n.value !== 1); mutex_unlock(s.m); } }],
});
`,
    );
    const r = await explore(bad, { trials: 20 });
    const f = r.findings.find((x) => x.title === 'DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current)');
    expect(f).toBeDefined();
    expect(f!.kind).toBe('bad-unlock-balance');
    expect(f!.report).toContain('cpu1/1002 unlocks (m), which it does not hold:');
  });
});
