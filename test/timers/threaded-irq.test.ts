import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { cli, scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

const kinds = (r: Awaited<ReturnType<typeof explore>>) => r.findings.map((f) => f.kind).sort();
const IMPORTS = `import { scenario, shared, atomic, atomic_inc, atomic_read, mutex, mutex_lock, mutex_unlock, msleep,
  request_irq, request_threaded_irq, free_irq, synchronize_irq, current, in_irq, in_interrupt, IRQ_HANDLED,
  IRQ_WAKE_THREAD, IRQF_ONESHOT, EINVAL, BUG_ON } from 'smpsim';`;

/**
 * A NIC whose handler acknowledges in hardirq context and leaves the rest, which sleeps, to
 * its thread; the task sets the line up, shares the mutex with the thread, and tears it down.
 */
const THREAD_PER_ACK =
  's.rx.value === atomic_read(s.acked) || `thread ran ${s.rx.value} times for ${atomic_read(s.acked)} interrupts`';
const nic = (primary: string, flags: string, teardown: string, check = THREAD_PER_ACK) =>
  scenarioFile(
    'threaded-irq',
    `${IMPORTS}
const rx_primary = (s: any) => { atomic_inc(s.acked); return IRQ_WAKE_THREAD; };
const rx_thread = (s: any) => {
  BUG_ON(in_interrupt(), 'thread_fn in interrupt context');
  BUG_ON(current().comm !== 'irq/10-eth0', 'thread_fn ran as ' + current().comm);
  mutex_lock(s.lock); msleep(1); s.rx.value = s.rx.value + 1; mutex_unlock(s.lock);
  return IRQ_HANDLED;
};
export default scenario({
  cpus: 2,
  state: { lock: mutex(), rx: shared(0), acked: atomic(0) },
  handlers: { rx_primary, rx_thread },
  irqs: [{ irq: 10, name: 'eth0', cpus: [1], fires: 2, threaded: true }],
  tasks: [
    { cpu: 0, run: (s) => {
      BUG_ON(request_threaded_irq(10, ${primary}, rx_thread, ${flags}, 'eth0', 'eth0') !== 0, 'request failed');
      mutex_lock(s.lock); s.rx.value = s.rx.value; mutex_unlock(s.lock);
      ${teardown}
    } },
    { cpu: 1, run: () => {} },
  ],
  check: (s) => ${check},
});
`,
  );

describe('request_threaded_irq: IRQ_WAKE_THREAD runs thread_fn in the line irq thread', () => {
  it('a sleeping thread_fn, free_irq then the data: clean over 1,000 trials (random and pct)', async () => {
    // free_irq waits for the thread function too: the check sees every interrupt's thread run
    const p = nic('rx_primary', 'IRQF_ONESHOT', "free_irq(10, 'eth0'); s.rx.value = s.rx.value;");
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[1]).toBeGreaterThan(0);
    expect((await explore(p, { trials: 1000, strategy: 'pct' })).findings).toEqual([]);
  });

  it('without IRQF_ONESHOT the line may fire again while its thread runs: the thread catches up', async () => {
    const p = nic('rx_primary', '0', "free_irq(10, 'eth0');");
    const r = await explore(p, { trials: 1000 });
    // a second interrupt before the thread took the first wakes it no more (IRQTF_RUNTHREAD is
    // still set): one run for both, and nothing else goes wrong
    expect(kinds(r)).toEqual(['assertion']);
    expect(r.findings[0]!.title).toBe('check failed: thread ran 1 times for 2 interrupts');
  });

  it('synchronize_irq waits for the threaded handler as well', async () => {
    const p = scenarioFile(
      'threaded-irq-synchronize',
      `${IMPORTS}
const primary = (s: any) => { atomic_inc(s.acked); return IRQ_WAKE_THREAD; };
const thread = (s: any) => { msleep(1); s.rx.value = 1; return IRQ_HANDLED; };
export default scenario({
  cpus: 2,
  state: { rx: shared(0), acked: atomic(0) },
  handlers: { primary, thread },
  irqs: [{ irq: 10, name: 'eth0', cpus: [1], threaded: true }],
  tasks: [
    { cpu: 0, run: (s) => {
      request_threaded_irq(10, primary, thread, IRQF_ONESHOT, 'eth0', null);
      while (atomic_read(s.acked) === 0) msleep(1);
      synchronize_irq(10);
      BUG_ON(s.rx.value !== 1, 'synchronize_irq returned before the thread function');
      free_irq(10, null);
    } },
    { cpu: 1, run: () => {} },
  ],
});
`,
    );
    expect((await explore(p, { trials: 1000 })).findings).toEqual([]);
  });

  it('a null handler is the default primary handler: it needs IRQF_ONESHOT, else -EINVAL', async () => {
    // the default primary handler acknowledges nothing: the thread runs once per interrupt
    const ok = nic('null', 'IRQF_ONESHOT', "free_irq(10, 'eth0');", 'atomic_read(s.acked) === 0');
    const r = await explore(ok, { trials: 500 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[1]).toBeGreaterThan(0);
    const p = scenarioFile(
      'threaded-irq-einval',
      `${IMPORTS}
const rx_thread = () => IRQ_HANDLED;
export default scenario({
  cpus: 1,
  state: {},
  handlers: { rx_thread },
  irqs: [{ irq: 10, name: 'eth0', threaded: true }],
  tasks: [{ cpu: 0, run: () => {
    BUG_ON(request_threaded_irq(10, null, rx_thread, 0, 'eth0', null) !== -EINVAL, 'accepted without IRQF_ONESHOT');
    BUG_ON(request_threaded_irq(10, null, null, IRQF_ONESHOT, 'eth0', null) !== -EINVAL, 'accepted with no function');
  } }],
});
`,
    );
    expect((await explore(p, { trials: 20 })).findings).toEqual([]);
  });

  it('sleeping in the primary handler stays sleep-in-atomic', async () => {
    const p = scenarioFile(
      'threaded-irq-primary-sleeps',
      `${IMPORTS}
const primary = (s: any) => { mutex_lock(s.lock); mutex_unlock(s.lock); return IRQ_WAKE_THREAD; };
const thread = () => IRQ_HANDLED;
export default scenario({
  cpus: 1,
  state: { lock: mutex() },
  handlers: { primary, thread },
  irqs: [{ irq: 10, name: 'eth0', threaded: true }],
  tasks: [{ cpu: 0, run: () => { request_threaded_irq(10, primary, thread, IRQF_ONESHOT, 'eth0', null); msleep(1); free_irq(10, null); } }],
});
`,
    );
    const r = await explore(p, { trials: 200 });
    expect(kinds(r)).toEqual(['sleep-in-atomic']);
    expect(r.findings[0]!.title).toBe(
      `BUG: sleeping function called from invalid context at ${siteOf(p, 'const primary')}`,
    );
  });

  it('a thread_fn on a line not declared threaded is a usage error (exit 2)', () => {
    const p = scenarioFile(
      'threaded-irq-undeclared',
      `${IMPORTS}
const thread = () => IRQ_HANDLED;
export default scenario({
  cpus: 1,
  state: {},
  handlers: { thread },
  irqs: [{ irq: 10, name: 'eth0' }],
  tasks: [{ cpu: 0, run: () => { request_threaded_irq(10, null, thread, IRQF_ONESHOT, 'eth0', null); } }],
});
`,
    );
    const r = cli(['run', p, '--trials', '5']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(
      'request_threaded_irq(10): the line has no irq thread; declare it with threaded: true in the scenario',
    );
  });
});
