import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';
import { scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

const kinds = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => f.kind);

describe('work items on the kworker', () => {
  const deferred = (decl: string, queue: string) =>
    scenarioFile(
      'defer',
      `import { scenario, atomic, atomic_inc, atomic_read, msleep, work, tasklet, schedule_work, tasklet_schedule, IRQ_HANDLED } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { done: atomic(0), fired: atomic(0), w: ${decl}((s: any) => { msleep(10); atomic_inc(s.done); }) },
  tasks: [{ cpu: 1, run: (s) => { atomic_read(s.done); } }],
  irqs: [{ irq: 9, name: 'dev', cpus: [0], fires: 1, handler: (s: any) => { atomic_inc(s.fired); ${queue}(s.w); return IRQ_HANDLED; } }],
  check: (s) => atomic_read(s.done) === atomic_read(s.fired) || 'the deferred work did not run',
});
`,
    );

  it('a work item that sleeps: nothing in 1,000 trials, and it runs', async () => {
    const r = await explore(deferred('work', 'schedule_work'), { trials: 1000 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(0);
  });

  it('the same code as a tasklet: sleep-in-atomic', async () => {
    const r = await explore(deferred('tasklet', 'tasklet_schedule'), { trials: 200 });
    expect(kinds(r)).toContain('sleep-in-atomic');
    expect(r.findings.find((f) => f.kind === 'sleep-in-atomic')!.report).toContain('in_atomic(): 1');
  });

  it('flush_work waits for the work to finish; the work runs as kworker/N:1 in process context', async () => {
    const p = scenarioFile(
      'flush',
      `import { scenario, shared, work, schedule_work, flush_work, in_interrupt, BUG_ON } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { v: shared(0), w: work((s: any) => { BUG_ON(in_interrupt()); s.v.value = 42; }) },
  tasks: [
    { cpu: 0, run: (s) => { schedule_work(s.w); flush_work(s.w); BUG_ON(s.v.value !== 42); } },
    { cpu: 1, run: () => {} },
  ],
  check: (s) => s.v.value === 42 || \`v=\${s.v.value}\`,
});
`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  });

  it('a work item that deadlocks with its flusher is reported', async () => {
    const p = scenarioFile(
      'flush-deadlock',
      `import { scenario, mutex, mutex_lock, mutex_unlock, work, schedule_work, flush_work } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { m: mutex(), w: work((s: any) => { mutex_lock(s.m); mutex_unlock(s.m); }) },
  tasks: [{ cpu: 0, run: (s) => { mutex_lock(s.m); schedule_work(s.w); flush_work(s.w); mutex_unlock(s.m); } }],
});
`,
    );
    const r = await explore(p, { trials: 50 });
    const d = r.findings.find((f) => f.kind === 'deadlock');
    expect(d).toBeDefined();
    expect(d!.report).toContain('kworker/0:1');
  });
});

describe('several tasks on one CPU', () => {
  const twoOnOne = (body: string) =>
    scenarioFile(
      'two-on-one',
      `import { scenario, spinlock, spin_lock, spin_unlock, shared } from 'smpsim';
const inc = (s: any) => { ${body} };
export default scenario({
  cpus: 1,
  state: { l: spinlock(), x: shared(0) },
  tasks: [{ cpu: 0, run: inc }, { cpu: 0, run: inc }],
  check: (s) => s.x.value === 2 || \`lost update: x=\${s.x.value}\`,
});
`,
    );

  it('a spinlock (preemption off) keeps the other task of the CPU out: nothing in 1,000 trials', async () => {
    const r = await explore(twoOnOne('spin_lock(s.l); s.x.value = s.x.value + 1; spin_unlock(s.l);'), { trials: 1000 });
    expect(r.findings).toEqual([]);
  });

  it('without it, a context switch between read and write loses an update', async () => {
    const r = await explore(twoOnOne('s.x.value = s.x.value + 1;'), { trials: 300 });
    expect(kinds(r)).toContain('assertion');
  });
});

describe('work items and data races', () => {
  it('what a task wrote before schedule_work is ordered before the work reads it: nothing', async () => {
    const p = scenarioFile(
      'race-work',
      `import { scenario, shared, work, schedule_work } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { data: shared(0), seen: shared(0), w: work((s: any) => { s.seen.value = s.data.value; }) },
  tasks: [{ cpu: 0, run: (s) => { s.data.value = 42; schedule_work(s.w); } }, { cpu: 1, run: () => {} }],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    expect(r.findings).toEqual([]);
  });

  it('a write after schedule_work is not ordered before the work: data-race', async () => {
    const p = scenarioFile(
      'race-work-after',
      `import { scenario, shared, work, schedule_work } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { data: shared(0), seen: shared(0), w: work((s: any) => { s.seen.value = s.data.value; }) },
  tasks: [{ cpu: 0, run: (s) => { schedule_work(s.w); s.data.value = 42; } }, { cpu: 1, run: () => {} }],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    expect(kinds(r)).toContain('data-race');
  });
});
