/**
 * Calls kernel code reaches for without thinking: the init calls of declared locks, the
 * busy-wait pause, the barriers around non-ordering atomics, more sleeps, the fetch-ops and
 * mutex_lock_nested. A scenario written as driver code uses them and must load and run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';
import { cli, oneTaskScenario, scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

describe('kernel calls a driver writes as a matter of course', () => {
  it('init calls, cpu_relax() in a spin-wait, barriers, usleep_range and fetch-ops: a clean design stays clean', async () => {
    const p = scenarioFile(
      'driver-calls',
      `import { scenario, spinlock, mutex, rwlock, seqlock, seqcount, semaphore, shared, atomic, spin_lock_init,
  mutex_init, rwlock_init, seqlock_init, seqcount_init, sema_init, spin_lock, spin_unlock, mutex_lock, mutex_unlock,
  atomic_fetch_inc, atomic_fetch_dec, atomic_fetch_sub, atomic_inc, atomic_read, smp_mb__before_atomic,
  smp_mb__after_atomic, barrier, smp_store_release, smp_load_acquire, cpu_relax, usleep_range, msleep_interruptible,
  schedule_timeout_uninterruptible, get_jiffies_64 } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { l: spinlock(), m: mutex(), rw: rwlock(), sl: seqlock(), sc: seqcount(), sem: semaphore(1),
           ready: shared(0), n: atomic(0), olds: shared(0), slept: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => {
        spin_lock_init(s.l); mutex_init(s.m); rwlock_init(s.rw); seqlock_init(s.sl); seqcount_init(s.sc); sema_init(s.sem, 1);
        s.olds.value = atomic_fetch_inc(s.n) + atomic_fetch_dec(s.n) + atomic_fetch_sub(0, s.n);
        smp_mb__before_atomic(); atomic_inc(s.n); smp_mb__after_atomic(); barrier();
        smp_store_release(s.ready, 1);
    } },
    { cpu: 1, run: (s) => {
        while (!smp_load_acquire(s.ready)) cpu_relax();
        mutex_lock(s.m);
        usleep_range(1500, 2000);
        const left = msleep_interruptible(3) + schedule_timeout_uninterruptible(2);
        mutex_unlock(s.m);
        spin_lock(s.l); s.slept.value = get_jiffies_64() - left; spin_unlock(s.l);
    } },
  ],
  check: (s) => (atomic_read(s.n) === 1 && s.olds.value === 1 && s.slept.value === 7) ||
    \`n=\${atomic_read(s.n)} olds=\${s.olds.value} slept=\${s.slept.value}\`,
});
`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings.map((f) => f.title)).toEqual([]);
    expect(r.trials).toBe(500);
  });

  it('cpu_relax() makes a spin-wait a run of scheduling points: a flag never set is a livelock warning, not a hang', async () => {
    const p = oneTaskScenario(
      'spin-forever',
      'shared, READ_ONCE, cpu_relax',
      'go: shared(0)',
      'while (!READ_ONCE(s.go)) cpu_relax();',
    );
    const r = await explore(p, { trials: 2, maxEvents: 3000 });
    expect(r.findings.map((f) => f.kind)).toEqual(['trial-too-long']);
  });

  it('spin_lock_init() of a mutex and sema_init() with another count than declared: one line, exit 2', () => {
    const wrongKind = oneTaskScenario('init-wrong-kind', 'mutex, spin_lock_init', 'm: mutex()', 'spin_lock_init(s.m);');
    const a = cli(['run', wrongKind, '--trials', '5']);
    expect(a.status).toBe(2);
    expect(a.stderr).toMatch(/^smpsim: spin_lock_init\(s\.m\): "m" is a mutex, expected a spinlock \(at [^\n]+\)\n$/);
    const wrongCount = oneTaskScenario(
      'sema-init-count',
      'semaphore, sema_init',
      'sem: semaphore(1)',
      'sema_init(s.sem, 0);',
    );
    const b = cli(['run', wrongCount, '--trials', '5']);
    expect(b.status).toBe(2);
    expect(b.stderr).toMatch(
      /^smpsim: sema_init\(s\.sem, 0\): "sem" is declared semaphore\(1\): declare it semaphore\(0\)/,
    );
  });

  it('mutex_lock_nested() tells lockdep the second instance of a class is nested; plain mutex_lock() is recursive locking', async () => {
    const nested = (second: string): string =>
      oneTaskScenario(
        'mutex-nested',
        'mutexes, mutex_lock, mutex_lock_nested, mutex_unlock, SINGLE_DEPTH_NESTING',
        'dir: mutexes(2)',
        `mutex_lock(s.dir[0]); ${second}; mutex_unlock(s.dir[1]); mutex_unlock(s.dir[0]);`,
      );
    const clean = await explore(nested('mutex_lock_nested(s.dir[1], SINGLE_DEPTH_NESTING)'), { trials: 20 });
    expect(clean.findings).toEqual([]);
    const bad = await explore(nested('mutex_lock(s.dir[1])'), { trials: 20 });
    expect(bad.findings.map((f) => f.title)).toContain('WARNING: possible recursive locking detected');
  });

  it('synchronize_rcu_expedited, wait_for_completion_killable, in_task, down_write_nested: clean where the design is', async () => {
    const p = scenarioFile(
      'driver-calls-2',
      `import { scenario, shared, completion, rw_semaphores, kzalloc, kfree, kstruct, deref, GFP_KERNEL, rcu_read_lock,
  rcu_read_unlock, rcu_dereference, rcu_assign_pointer, synchronize_rcu_expedited, complete,
  wait_for_completion_killable, in_task, down_write, down_write_nested, up_write, IRQ_HANDLED, SINGLE_DEPTH_NESTING } from 'smpsim';
const Conf = kstruct('conf', 'limit');
export default scenario({
  cpus: 2,
  state: { conf: shared(0), done: completion(), sems: rw_semaphores(2), ctx: shared(0), irqCtx: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { const c = kzalloc(Conf, GFP_KERNEL); rcu_assign_pointer(s.conf, c);
        rcu_assign_pointer(s.conf, 0); synchronize_rcu_expedited(); kfree(c);
        if (wait_for_completion_killable(s.done) === 0 && in_task()) s.ctx.value += 1; } },
    { cpu: 1, run: (s) => { rcu_read_lock(); const c = rcu_dereference(s.conf); if (c) deref(c, Conf).limit++; rcu_read_unlock();
        down_write(s.sems[0]); down_write_nested(s.sems[1], SINGLE_DEPTH_NESTING); up_write(s.sems[1]); up_write(s.sems[0]);
        complete(s.done); } },
  ],
  irqs: [{ irq: 4, cpus: [1], fires: 1, handler: (s) => { if (in_task()) s.irqCtx.value = 1; return IRQ_HANDLED; } }],
  check: (s) => (s.ctx.value === 1 && s.irqCtx.value === 0) || \`ctx=\${s.ctx.value} irqCtx=\${s.irqCtx.value}\`,
});
`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings.map((f) => f.title)).toEqual([]);
  });

  it('might_sleep_if(): sleep-in-atomic under a spinlock only when its condition holds', async () => {
    const p = (cond: string): string =>
      oneTaskScenario(
        'might-sleep-if',
        'spinlock, spin_lock, spin_unlock, might_sleep_if',
        'l: spinlock()',
        `spin_lock(s.l); might_sleep_if(${cond}); spin_unlock(s.l);`,
      );
    expect((await explore(p('false'), { trials: 5 })).findings).toEqual([]);
    expect((await explore(p('true'), { trials: 5 })).findings.map((f) => f.kind)).toEqual(['sleep-in-atomic']);
  });

  it('rcu_dereference_check, lockdep_is_held, RCU_INIT_POINTER, rcu_read_lock_held, atomic_or/_fetch_andnot: a correct update is clean', async () => {
    const p = scenarioFile(
      'rcu-check',
      `import { scenario, shared, mutex, mutex_lock, mutex_unlock, kzalloc, kfree, kstruct, deref, GFP_KERNEL, atomic, atomic_or, atomic_fetch_andnot, atomic_read,
  rcu_read_lock, rcu_read_unlock, rcu_dereference_check, rcu_assign_pointer, rcu_dereference_protected, lockdep_is_held, RCU_INIT_POINTER, synchronize_rcu, rcu_read_lock_held } from 'smpsim';
const Cfg = kstruct('cfg', 'mtu');
export default scenario({
  cpus: 2,
  state: { cfg: shared(0), cfg_mutex: mutex(), flags: atomic(0), ok: shared(1) },
  tasks: [
    { cpu: 0, run: (s) => {
        RCU_INIT_POINTER(s.cfg, 0);
        const n = kzalloc(Cfg, GFP_KERNEL); deref(n, Cfg).mtu = 1500;
        mutex_lock(s.cfg_mutex);
        const old = rcu_dereference_protected(s.cfg, lockdep_is_held(s.cfg_mutex));
        rcu_assign_pointer(s.cfg, n);
        mutex_unlock(s.cfg_mutex);
        synchronize_rcu();
        if (old) kfree(old);
        atomic_or(4, s.flags);
    } },
    { cpu: 1, run: (s) => {
        rcu_read_lock();
        if (!rcu_read_lock_held()) s.ok.value = 0;
        const c = rcu_dereference_check(s.cfg, lockdep_is_held(s.cfg_mutex));
        if (c && deref(c, Cfg).mtu !== 1500) s.ok.value = 0;
        rcu_read_unlock();
        if (rcu_read_lock_held()) s.ok.value = 0;
        atomic_fetch_andnot(1, s.flags);
    } },
  ],
  check: (s) => (s.ok.value === 1 && atomic_read(s.flags) === 4) || \`ok=\${s.ok.value} flags=\${atomic_read(s.flags)}\`,
});
`,
    );
    const r = await explore(p, { trials: 1000 });
    expect(r.findings.map((f) => f.title)).toEqual([]);
  });

  it('rcu_dereference_check outside a reader: suspicious RCU usage unless its condition holds', async () => {
    const p = (cond: string): string =>
      oneTaskScenario(
        'rcu-check-outside',
        'shared, mutex, mutex_lock, mutex_unlock, rcu_dereference_check, lockdep_is_held',
        'cfg: shared(0), m: mutex()',
        `mutex_lock(s.m); rcu_dereference_check(s.cfg, ${cond}); mutex_unlock(s.m);`,
      );
    expect((await explore(p('lockdep_is_held(s.m)'), { trials: 5 })).findings).toEqual([]);
    const bad = await explore(p('false'), { trials: 5 });
    expect(bad.findings.map((f) => f.kind)).toEqual(['suspicious-rcu-usage']);
    expect(bad.findings[0]!.report).toContain('suspicious rcu_dereference_check() usage!');
  });
});
