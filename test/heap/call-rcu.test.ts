/**
 * call_rcu() and kfree_rcu(): the callback runs after a grace period, in RCU_SOFTIRQ on the
 * calling CPU, with softirq rules.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown, verifyScenario } from '../../src/index.ts';
import { scenarioFile, siteOf as at } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, shared, spinlock, spin_lock, spin_unlock, kzalloc, kfree, kstruct, deref, GFP_KERNEL, msleep,
  rcu_read_lock, rcu_read_unlock, rcu_assign_pointer, rcu_dereference, call_rcu, kfree_rcu,
} from 'smpsim';
const Conf = kstruct('conf', 'limit');`;

/** Readers on two CPUs while CPU 0 replaces the configuration and frees the old one with `free`. */
function replaceAndFree(name: string, free: string, callback = '(s, p) => kfree(p)'): string {
  return scenarioFile(
    name,
    `${IMPORTS}
const free_conf = ${callback};
export default scenario({
  cpus: 3,
  state: { conf: shared(0), seen: shared(0), lock: spinlock() },
  handlers: { free_conf },
  tasks: [
    { cpu: 0, run: function updater(s) {
      const first = kzalloc(Conf, GFP_KERNEL);
      deref(first, Conf).limit = 1;
      rcu_assign_pointer(s.conf, first);
      const next = kzalloc(Conf, GFP_KERNEL);
      deref(next, Conf).limit = 2;
      rcu_assign_pointer(s.conf, next);
      ${free}
    } },
    { cpu: 1, run: function reader(s) {
      rcu_read_lock();
      const c = rcu_dereference(s.conf);
      if (c) deref(c, Conf).limit;
      rcu_read_unlock();
    } },
    { cpu: 2, run: function reader2(s) {
      rcu_read_lock();
      const c = rcu_dereference(s.conf);
      if (c) deref(c, Conf).limit;
      rcu_read_unlock();
    } },
  ],
});
`,
  );
}

describe('call_rcu / kfree_rcu', () => {
  it('an RCU reader vs kfree without a grace period: use-after-free', async () => {
    const r = await explore(replaceAndFree('call-rcu-none', 'kfree(first);'), { trials: 1000, seed: 1 });
    expect(r.findings.length).toBeGreaterThan(0);
    for (const f of r.findings) {
      expect(f.kind).toBe('use-after-free');
      expect(f.title).toMatch(/^BUG: KASAN: slab-use-after-free in reader2?$/);
    }
  });

  it('the same with kfree_rcu: clean over 1,000 trials, and the object is freed before the trial ends', async () => {
    const p = replaceAndFree('kfree-rcu', 'kfree_rcu(first, "rcu"); kfree_rcu(first, "rcu");');
    const r = await explore(p, { trials: 1000, seed: 1 });
    // the second kfree_rcu frees it twice, after its own grace period: the callbacks really run
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([['double-free', 'BUG: KASAN: double-free in kfree']]);
    expect(r.findings[0]!.report).toContain('(in softirq context)');
    const clean = await explore(replaceAndFree('kfree-rcu-once', 'kfree_rcu(first, "rcu");'), {
      trials: 1000,
      seed: 1,
    });
    expect(clean.findings).toEqual([]);
  });

  it('the same with call_rcu(first, free_conf): clean over 1,000 trials', async () => {
    const r = await explore(replaceAndFree('call-rcu', 'call_rcu(first, free_conf);'), { trials: 1000, seed: 1 });
    expect(r.findings).toEqual([]);
  });

  it('the callback runs only after the readers that began before call_rcu have ended', async () => {
    const p = replaceAndFree(
      'call-rcu-order',
      'call_rcu(first, free_conf);',
      '(s, p) => { deref(p, Conf).limit = 0; kfree(p); }',
    );
    // the callback's write of the field is ordered after every reader's read of it (no data race)
    const r = await explore(p, { trials: 1000, seed: 2 });
    expect(r.findings).toEqual([]);
  });

  it('DPOR explores the grace period and the callback run: kfree_rcu verified clean, kfree found', async () => {
    const two = (name: string, free: string): string =>
      scenarioFile(
        name,
        `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { conf: shared(0) },
  tasks: [
    { cpu: 0, run: function updater(s) {
      const c = kzalloc(Conf, GFP_KERNEL);
      rcu_assign_pointer(s.conf, c);
      rcu_assign_pointer(s.conf, 0);
      ${free}
    } },
    { cpu: 1, run: function reader(s) {
      rcu_read_lock();
      const c = rcu_dereference(s.conf);
      if (c) deref(c, Conf).limit;
      rcu_read_unlock();
    } },
  ],
});
`,
      );
    const good = await verifyScenario(two('dpor-kfree-rcu', 'kfree_rcu(c, "rcu");'));
    expect([good.complete, good.findings]).toEqual([true, []]);
    expect(good.executions).toBeGreaterThan(1);
    const bad = await verifyScenario(two('dpor-kfree', 'kfree(c);'));
    expect(bad.findings.map((f) => f.kind)).toEqual(['use-after-free']);
  });

  it('a call_rcu callback that sleeps: sleep-in-atomic, in softirq context', async () => {
    const p = replaceAndFree('call-rcu-sleep', 'call_rcu(first, free_conf);', '(s, p) => { msleep(1); kfree(p); }');
    const r = await explore(p, { trials: 50, seed: 1 });
    const kinds = [...new Set(r.findings.map((f) => f.kind))].sort();
    expect(kinds).toContain('sleep-in-atomic');
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic')!;
    expect(f.title).toBe(`BUG: sleeping function called from invalid context at ${at(p, 'msleep(1)')}`);
    expect(f.report).toContain('in_atomic(): 1, irqs_disabled(): 0');
    expect(f.report).toContain('preempt_count: 100, expected: 0');
  });

  it('a callback sharing a lock with process context taken without _bh: inconsistent SOFTIRQ-ON-W / IN-SOFTIRQ-W', async () => {
    const p = replaceAndFree(
      'call-rcu-lock',
      'call_rcu(first, free_conf); spin_lock(s.lock); spin_unlock(s.lock);',
      '(s, p) => { spin_lock(s.lock); kfree(p); spin_unlock(s.lock); }',
    );
    const r = await explore(p, { trials: 300, seed: 1 });
    const f = r.findings.find((x) => x.kind === 'inconsistent-lock-state');
    expect(f?.title).toBe('WARNING: inconsistent lock state');
    expect(f!.report).toMatch(
      /inconsistent \{(IN-SOFTIRQ-W|SOFTIRQ-ON-W)\} -> \{(SOFTIRQ-ON-W|IN-SOFTIRQ-W)\} usage\./,
    );
    expect(f!.report).toContain('  <Interrupt>\n    lock(lock);');
  });
});
