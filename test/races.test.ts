import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../src/index.ts';
import { scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

const two = (name: string, imports: string, state: string, t0: string, t1: string) =>
  scenarioFile(
    name,
    `import { scenario, ${imports} } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { ${state} },
  tasks: [
    { cpu: 0, run: (s) => { ${t0} } },
    { cpu: 1, run: (s) => { ${t1} } },
  ],
});
`,
  );

const races = (r: Awaited<ReturnType<typeof explore>>) => r.findings.filter((f) => f.kind === 'data-race');

describe('data races', () => {
  it('x.value++ from two CPUs without a lock: data-race on trial 1, KCSAN-shaped, both call sites', async () => {
    const p = two('race-plain', 'shared', 'hits: shared(0)', 's.hits.value++;', 's.hits.value++;');
    const r = await explore(p, { trials: 1, seed: 3 });
    const found = races(r);
    expect(found.length).toBeGreaterThan(0);
    const f = found.find((x) => /write to hits/.test(x.report) && /read to hits/.test(x.report)) ?? found[0]!;
    expect(f.firstTrial).toBe(0);
    expect(f.title).toBe('BUG: KCSAN: data-race in run / run');
    const lines = f.report.split('\n');
    expect(lines[0]).toBe('='.repeat(66));
    expect(lines[1]).toBe('BUG: KCSAN: data-race in run / run');
    expect(f.report).toMatch(/^(write|read) to hits of 4 bytes by task 100[12] on cpu [01]:$/m);
    expect(f.report).toContain(` run at ${p}:6`);
    expect(f.report).toContain(` run at ${p}:7`);
    expect(f.sites.sort()).toEqual([`${p}:6`, `${p}:7`]);
    expect(f.report).toContain('Reported by Kernel Concurrency Sanitizer on:');
    expect(lines.at(-2)).toBe(`replay: smpsim replay ${p} ${f.replay}`);
    // one finding per unordered pair of call sites (read/write and write/write of line 6 and 7)
    expect(found).toHaveLength(1);
  });

  it('under a common lock: nothing in 1,000 trials', async () => {
    const p = two(
      'race-lock',
      'shared, spinlock, spin_lock, spin_unlock',
      'l: spinlock(), hits: shared(0)',
      'spin_lock(s.l); s.hits.value++; spin_unlock(s.l);',
      'spin_lock(s.l); s.hits.value++; spin_unlock(s.l);',
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
  });

  it('under two different locks: data-race', async () => {
    const p = two(
      'race-two-locks',
      'shared, spinlock, spin_lock, spin_unlock',
      'a: spinlock(), b: spinlock(), hits: shared(0)',
      'spin_lock(s.a); s.hits.value++; spin_unlock(s.a);',
      'spin_lock(s.b); s.hits.value++; spin_unlock(s.b);',
    );
    const r = await explore(p, { trials: 20 });
    expect(races(r).length).toBeGreaterThan(0);
    expect(races(r)[0]!.firstTrial).toBe(0);
  });

  it('atomic_inc from two CPUs: nothing', async () => {
    const p = two('race-atomic', 'atomic, atomic_inc', 'v: atomic(0)', 'atomic_inc(s.v);', 'atomic_inc(s.v);');
    expect((await explore(p, { trials: 300 })).findings).toEqual([]);
  });

  it('WRITE_ONCE flag and READ_ONCE poll: nothing', async () => {
    const p = two(
      'race-once',
      'shared, READ_ONCE, WRITE_ONCE',
      'flag: shared(0)',
      'WRITE_ONCE(s.flag, 1);',
      'for (let i = 0; i < 4 && !READ_ONCE(s.flag); i++);',
    );
    expect((await explore(p, { trials: 300 })).findings).toEqual([]);
  });

  it('a plain READ_ONCE poll against a plain write is still a race', async () => {
    const p = two(
      'race-half-marked',
      'shared, READ_ONCE',
      'flag: shared(0)',
      's.flag.value = 1;',
      'READ_ONCE(s.flag);',
    );
    const f = races(await explore(p, { trials: 50 }))[0];
    expect(f?.report).toMatch(/^read \(marked\) to flag of 4 bytes by task 1002 on cpu 1:$/m);
  });

  const irqRead = (read: string) =>
    scenarioFile(
      'race-irq',
      `import { scenario, shared, local_irq_save, local_irq_restore, IRQ_HANDLED } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { x: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { for (let i = 0; i < 2; i++) { ${read} } } }],
  irqs: [{ irq: 10, name: 'eth0', cpus: [0], fires: 1, handler: (s) => { s.x.value = 1; return IRQ_HANDLED; } }],
});
`,
    );

  it('plain write in an irq handler, plain read in the interrupted task with irqs on: data-race', async () => {
    const p = irqRead('const v = s.x.value;');
    const f = races(await explore(p, { trials: 100 }))[0];
    expect(f).toBeDefined();
    expect(f!.title).toBe('BUG: KCSAN: data-race in handler / run');
    expect(f!.report).toMatch(/^write to x of 4 bytes by interrupt on cpu 0:$/m);
    expect(f!.report).toMatch(/^read to x of 4 bytes by task 1001 on cpu 0:$/m);
  });

  it('the same read under local_irq_save: nothing in 1,000 trials', async () => {
    const p = irqRead('const f = local_irq_save(); const v = s.x.value; local_irq_restore(f);');
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(0);
  });

  const messagePassing = (publish: string, poll: string) =>
    two(
      'race-mp',
      'shared, atomic, atomic_set, atomic_read, atomic_inc_return, atomic_add_return',
      'payload: shared(0), flag: atomic(0)',
      `s.payload.value = 42; ${publish}`,
      `if (${poll}) { const v = s.payload.value; }`,
    );

  it('message passing with a fully ordered atomic as the flag: nothing', async () => {
    const p = messagePassing('atomic_inc_return(s.flag);', 'atomic_add_return(0, s.flag) === 1');
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  });

  it('message passing with plain atomic_set/atomic_read as the only ordering: data-race on the payload', async () => {
    const p = messagePassing('atomic_set(s.flag, 1);', 'atomic_read(s.flag) === 1');
    const f = races(await explore(p, { trials: 200 }))[0];
    expect(f).toBeDefined();
    expect(f!.report).toMatch(/^write to payload of 4 bytes by task 1001 on cpu 0:$/m);
    expect(f!.report).toMatch(/^read to payload of 4 bytes by task 1002 on cpu 1:$/m);
  });

  it('smp_store_release / smp_load_acquire and smp_wmb / smp_rmb order the payload', async () => {
    const rel = two(
      'race-rel',
      'shared, smp_store_release, smp_load_acquire',
      'payload: shared(0), flag: shared(0)',
      's.payload.value = 42; smp_store_release(s.flag, 1);',
      'if (smp_load_acquire(s.flag)) { const v = s.payload.value; }',
    );
    expect((await explore(rel, { trials: 300 })).findings).toEqual([]);
    const fences = two(
      'race-wmb',
      'shared, READ_ONCE, WRITE_ONCE, smp_wmb, smp_rmb',
      'payload: shared(0), flag: shared(0)',
      's.payload.value = 42; smp_wmb(); WRITE_ONCE(s.flag, 1);',
      'if (READ_ONCE(s.flag)) { smp_rmb(); const v = s.payload.value; }',
    );
    expect((await explore(fences, { trials: 300 })).findings).toEqual([]);
    const noRmb = two(
      'race-normb',
      'shared, READ_ONCE, WRITE_ONCE, smp_wmb',
      'payload: shared(0), flag: shared(0)',
      's.payload.value = 42; smp_wmb(); WRITE_ONCE(s.flag, 1);',
      'if (READ_ONCE(s.flag)) { const v = s.payload.value; }',
    );
    expect(races(await explore(noRmb, { trials: 300 })).length).toBeGreaterThan(0);
  });

  it('a racy loop is one finding per pair of call sites', async () => {
    const p = two(
      'race-loop',
      'shared',
      'hits: shared(0)',
      'for (let i = 0; i < 3; i++) s.hits.value++;',
      'for (let i = 0; i < 3; i++) s.hits.value++;',
    );
    const r = await explore(p, { trials: 50 });
    const pairs = races(r).map((f) => [...f.sites].sort().join(' / '));
    expect(pairs.length).toBeGreaterThan(0);
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(races(r).every((f) => f.count >= 1 && f.count <= r.trials)).toBe(true);
    expect(races(r).every((f) => f.signature === `data-race:${[...f.sites].sort().join(' / ')}`)).toBe(true);
    // replaying a race's token shows the same one report per pair of call sites
    const again = (await replay(p, races(r)[0]!.replay)).findings.filter((f) => f.kind === 'data-race');
    expect(again.map((f) => f.signature)).toEqual([races(r)[0]!.signature]);
  });

  it('tasklet_schedule orders what the task wrote before it for the tasklet: nothing', async () => {
    const p = scenarioFile(
      'race-tasklet',
      `import { scenario, shared, tasklet, tasklet_schedule } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { data: shared(0), seen: shared(0), t: tasklet((s: any) => { s.seen.value = s.data.value; }) },
  tasks: [{ cpu: 0, run: (s) => { s.data.value = 42; tasklet_schedule(s.t); } }],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    expect(races(r)).toEqual([]);
  });

  it("a race in a wait_event() condition is named after the function it is written in, as C's inlined macro is", async () => {
    const p = scenarioFile(
      'race-wait-cond',
      `import { scenario, spinlock, spin_lock, spin_unlock, shared, wait_queue_head, wait_event, wake_up } from 'smpsim';
function consumer(s: any) {
  wait_event(s.wq, () => s.items.value > 0);
}
export default scenario({
  cpus: 2,
  state: { lock: spinlock(), items: shared(0), wq: wait_queue_head() },
  tasks: [
    { cpu: 0, run: (s) => { spin_lock(s.lock); s.items.value++; spin_unlock(s.lock); wake_up(s.wq); } },
    { cpu: 1, run: consumer },
  ],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    const race = races(r)[0]!;
    expect(race.title).toMatch(/^BUG: KCSAN: data-race in (consumer \/ run|run \/ consumer)$/);
    expect(race.report).toContain(`consumer at ${p}:3`);
    expect(race.report).not.toContain('<anonymous>');
  });

  it('queue_work and queue_work_on order what came before for the work, as schedule_work does', async () => {
    for (const call of ['queue_work(system_wq, s.w)', 'queue_work_on(1, system_wq, s.w)', 'schedule_work(s.w)']) {
      const p = scenarioFile(
        'race-queue-work',
        `import { scenario, shared, work, queue_work, queue_work_on, schedule_work, system_wq, flush_work } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { data: shared(0), got: shared(0), w: work((s: any) => { s.got.value = s.data.value; }) },
  tasks: [{ cpu: 0, run: (s) => { s.data.value = 42; ${call}; flush_work(s.w); s.data.value = 1; } }],
  check: (s) => s.got.value === 42 || \`got \${s.got.value}\`,
});
`,
      );
      const r = await explore(p, { trials: 300 });
      expect(
        r.findings.map((f) => f.title),
        call,
      ).toEqual([]);
    }
  });

  it("tasklet_kill orders the tasklet's last run before what follows; without it the write after races", async () => {
    const p = (teardown: string): string =>
      scenarioFile(
        'race-tasklet-kill',
        `import { scenario, shared, tasklet, tasklet_schedule, tasklet_kill } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { data: shared(0), got: shared(0), t: tasklet((s: any) => { s.got.value = s.data.value; }) },
  tasks: [{ cpu: 0, run: (s) => { s.data.value = 42; tasklet_schedule(s.t); ${teardown} s.data.value = 3; } }],
});
`,
      );
    expect((await explore(p('tasklet_kill(s.t);'), { trials: 300 })).findings.map((f) => f.title)).toEqual([]);
    expect(races(await explore(p(''), { trials: 300 })).length).toBe(1);
  });

  it("cancel_work_sync orders the work's last run before what follows, as flush_work does", async () => {
    const p = scenarioFile(
      'race-cancel-work-sync',
      `import { scenario, shared, work, schedule_work, cancel_work_sync } from 'smpsim';
export default scenario({ cpus: 2, state: { data: shared(0), w: work((s: any) => { s.data.value = 5; }) },
  tasks: [{ cpu: 0, run: (s) => { schedule_work(s.w); cancel_work_sync(s.w); s.data.value = 1; } }] });
`,
    );
    expect((await explore(p, { trials: 300 })).findings.map((f) => f.title)).toEqual([]);
  });

  it('synchronize_rcu orders the readers before it: an object unpublished, then reused after the grace period, is no race', async () => {
    const p = (gp: string): string =>
      scenarioFile(
        'race-rcu-reuse',
        `import { scenario, shared, kzalloc, kstruct, deref, GFP_KERNEL, rcu_read_lock, rcu_read_unlock, rcu_dereference,
  rcu_assign_pointer, synchronize_rcu } from 'smpsim';
const Conf = kstruct('conf', 'limit');
export default scenario({ cpus: 2, state: { conf: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { const c = kzalloc(Conf, GFP_KERNEL); deref(c, Conf).limit = 1; rcu_assign_pointer(s.conf, c);
        rcu_assign_pointer(s.conf, 0); ${gp} deref(c, Conf).limit = 5; } },
    { cpu: 1, run: (s) => { rcu_read_lock(); const c = rcu_dereference(s.conf); if (c) void deref(c, Conf).limit; rcu_read_unlock(); } },
  ] });
`,
      );
    expect((await explore(p('synchronize_rcu();'), { trials: 1000 })).findings.map((f) => f.title)).toEqual([]);
    expect(races(await explore(p(''), { trials: 1000 })).length).toBe(1);
  });
});
