import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../src/index.ts';
import { EV_WORDS } from '../src/machine/events.ts';
import { scenarioFile, siteOf as at } from './helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, spinlock, semaphore, mutex, shared, atomic, tasklet, atomic_inc, atomic_dec, atomic_read, BUG_ON,
  msleep, udelay, local_bh_disable, local_bh_enable, tasklet_schedule, raise_softirq, in_softirq, in_serving_softirq,
  request_irq, free_irq, IRQF_SHARED, IRQ_HANDLED, IRQ_NONE, EBUSY, EINTR, down, up, down_interruptible,
  mutex_lock, mutex_unlock, mutex_lock_interruptible, kmalloc, kfree, GFP_KERNEL, NET_RX_SOFTIRQ, WARN_ON,
} from 'smpsim';`;

describe('tasklets and softirqs', () => {
  it('a tasklet that sleeps: sleep-in-atomic in softirq context', async () => {
    const p = scenarioFile(
      'tasklet-sleeps',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { t: tasklet((s) => { msleep(10); s.n.value = 1; }), n: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { local_bh_disable(); tasklet_schedule(s.t); local_bh_enable(); } }],
  check: (s) => s.n.value === 1 || 'the tasklet did not run',
});
`,
    );
    const r = await explore(p, { trials: 50 });
    expect(r.findings.map((f) => f.kind).sort()).toEqual(['scheduling-while-atomic', 'sleep-in-atomic']);
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic')!;
    expect(f.report).toContain('in_atomic(): 1, irqs_disabled(): 0, non_block: 0, pid: 1001, name: cpu0');
    expect(f.report).toContain('preempt_count: 100, expected: 0');
    expect(f.report).toContain('(in softirq context)');
  });

  it('one tasklet never runs on two CPUs at once, and every schedule is served', async () => {
    const p = scenarioFile(
      'tasklet-once',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { t: tasklet((s) => { atomic_inc(s.running); BUG_ON(atomic_read(s.running) > 1); atomic_inc(s.runs); atomic_dec(s.running); }), running: atomic(0), runs: atomic(0) },
  tasks: [
    { cpu: 0, run: (s) => { local_bh_disable(); tasklet_schedule(s.t); local_bh_enable(); } },
    { cpu: 1, run: (s) => { local_bh_disable(); tasklet_schedule(s.t); local_bh_enable(); } },
  ],
  check: (s) => atomic_read(s.runs) >= 1 || 'never ran',
});
`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
  });

  it('a softirq raised by an irq handler runs on irq exit, in softirq context', async () => {
    const p = scenarioFile(
      'softirq',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { irqs: atomic(0), ran: atomic(0), lock: spinlock() },
  softirqs: [{ nr: NET_RX_SOFTIRQ, name: 'net_rx', handler: (s) => { BUG_ON(!in_serving_softirq()); atomic_inc(s.ran); } }],
  tasks: [{ cpu: 0, run: (s) => { udelay(1); udelay(1); } }, { cpu: 1, run: (s) => { udelay(1); } }],
  irqs: [{ irq: 11, name: 'eth0', cpus: [0, 1], fires: 2, handler: (s) => { atomic_inc(s.irqs); raise_softirq(NET_RX_SOFTIRQ); return IRQ_HANDLED; } }],
  check: (s) => atomic_read(s.ran) === atomic_read(s.irqs) || \`\${atomic_read(s.irqs)} irqs, \${atomic_read(s.ran)} softirq runs\`,
});
`,
    );
    const r = await explore(p, { trials: 500 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu.reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });
});

describe('request_irq', () => {
  const shared = (secondFlags: string) =>
    scenarioFile(
      'shared-irq',
      `${IMPORTS}
const eth0 = (s: any, irq: number, dev: any) => { atomic_inc(s.a); BUG_ON(dev !== s.devA); return IRQ_HANDLED; };
const eth1 = (s: any, irq: number, dev: any) => { atomic_inc(s.b); BUG_ON(dev !== 'eth1-dev'); return IRQ_HANDLED; };
export default scenario({
  cpus: 2,
  state: { a: atomic(0), b: atomic(0), devA: atomic(0), r1: shared(1), r2: shared(1), done: atomic(0) },
  handlers: { eth0, eth1 },
  tasks: [
    { cpu: 0, run: (s) => { s.r1.value = request_irq(19, eth0, IRQF_SHARED, 'eth0', s.devA); s.r2.value = request_irq(19, eth1, ${secondFlags}, 'eth1', 'eth1-dev'); atomic_inc(s.done); } },
    { cpu: 1, run: (s) => { while (atomic_read(s.done) === 0); udelay(1); udelay(1); udelay(1); } },
  ],
  irqs: [{ irq: 19, name: 'eth', cpus: [1], fires: 2 }],
  check: (s) => ${secondFlags === 'IRQF_SHARED' ? `(s.r1.value === 0 && s.r2.value === 0 && atomic_read(s.b) <= atomic_read(s.a)) || \`r1=\${s.r1.value} r2=\${s.r2.value} a=\${atomic_read(s.a)} b=\${atomic_read(s.b)}\`` : `s.r2.value === -EBUSY || \`r2=\${s.r2.value}\``},
});
`,
    );

  it('two handlers on a shared line with distinct dev_ids both run; deliveries show in the interrupts table', async () => {
    const r = await explore(shared('IRQF_SHARED'), { trials: 300, maxEvents: 20000 });
    expect(r.findings.filter((f) => f.kind !== 'exception')).toEqual([]);
    expect(r.interrupts).toEqual([{ irq: 19, name: 'eth', perCpu: [0, expect.any(Number)] }]);
    expect(r.interrupts[0]!.perCpu[1]).toBeGreaterThan(0);
  });

  it('a second request_irq without IRQF_SHARED gets -EBUSY', async () => {
    const r = await explore(shared('0'), { trials: 50, maxEvents: 20000 });
    expect(r.findings.filter((f) => f.kind !== 'exception')).toEqual([]);
  });

  it('a line whose handlers all return IRQ_NONE: spurious-irq "nobody cared"', async () => {
    const p = scenarioFile(
      'spurious',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  tasks: [{ cpu: 0, run: () => { udelay(1); udelay(1); } }],
  irqs: [{ irq: 7, name: 'noisy', cpus: [0], fires: 1, handler: () => IRQ_NONE }],
});
`,
    );
    const r = await explore(p, { trials: 100 });
    const f = r.findings.find((x) => x.kind === 'spurious-irq');
    expect(f).toBeDefined();
    expect(f!.title).toBe('irq 7: nobody cared (try booting with the "irqpoll" option)');
    expect(f!.report).toContain('Disabling IRQ #7');
  });
});

describe('faults the scenario opts into', () => {
  it('signals: down_interruptible and mutex_lock_interruptible explore -EINTR', async () => {
    const p = scenarioFile(
      'signals',
      `${IMPORTS}
export default scenario({
  cpus: 3,
  faults: { signals: true },
  state: { sem: semaphore(0), m: mutex(), r: shared(0), q: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { const r = down_interruptible(s.sem);
      WARN_ON(r === -EINTR); } },
    { cpu: 1, run: (s) => { const q = mutex_lock_interruptible(s.m); if (q === 0) mutex_unlock(s.m);
      WARN_ON(q === -EINTR); } },
    { cpu: 2, run: (s) => { mutex_lock(s.m); up(s.sem); udelay(1); mutex_unlock(s.m); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 400 });
    const sites = r.findings.map((f) => f.title.replace(/^.* at /, ''));
    expect(sites.sort()).toEqual([at(p, 'WARN_ON(r'), at(p, 'WARN_ON(q')].sort());
  });

  it('without faults.signals the same waits are never interrupted', async () => {
    const p = scenarioFile(
      'no-signals',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { sem: semaphore(0), r: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { s.r.value = down_interruptible(s.sem); } }, { cpu: 1, run: (s) => { up(s.sem); } }],
  check: (s) => s.r.value === 0 || \`r=\${s.r.value}\`,
});
`,
    );
    expect((await explore(p, { trials: 300 })).findings).toEqual([]);
  });

  it('kmalloc: failure is a choice with faults.kmalloc, and a replay of it is exact', async () => {
    const p = scenarioFile(
      'kmalloc-fault',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  faults: { kmalloc: true },
  state: { sem: semaphore(0) },
  tasks: [
    { cpu: 0, run: (s) => { const p = kmalloc(32, GFP_KERNEL); BUG_ON(p === null); kfree(p); up(s.sem); } },
    { cpu: 1, run: (s) => { down(s.sem); } },
  ],
});
`,
    );
    const r = await explore(p, { trials: 100 });
    expect(r.findings.map((f) => f.kind)).toEqual(['assertion']);
    const f = r.findings[0]!;
    const a = (await replay(p, f.replay)).trials[0]!;
    const b = (await replay(p, a.token)).trials[0]!;
    expect(Array.from(b.events.words.slice(0, b.events.length * EV_WORDS))).toEqual(
      Array.from(a.events.words.slice(0, a.events.length * EV_WORDS)),
    );
  });
});

describe('PCT explores the choices no CPU priority ranks', () => {
  it('an opted-in allocation failure is found by PCT too', async () => {
    const p = scenarioFile(
      'pct-kmalloc',
      `import { scenario, kmalloc, kfree, GFP_KERNEL, BUG_ON } from 'smpsim';
export default scenario({
  cpus: 1,
  faults: { kmalloc: true },
  tasks: [{ cpu: 0, run: () => { const p = kmalloc(16, GFP_KERNEL); BUG_ON(p === null); kfree(p); } }],
} as any);
`,
    );
    const r = await explore(p, { trials: 100, strategy: 'pct' });
    expect(r.findings.map((f) => f.kind)).toEqual(['assertion']);
  });
});
