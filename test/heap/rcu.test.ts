import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { readFileSync } from 'node:fs';
import { ROOT, scenarioFile, siteOf as at } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import {
  scenario, shared, spinlock, spin_lock, spin_unlock, kzalloc, kfree, kstruct, deref, GFP_KERNEL, msleep,
  rcu_read_lock, rcu_read_unlock, rcu_read_lock_bh, rcu_read_unlock_bh, synchronize_rcu, rcu_assign_pointer,
  rcu_dereference, rcu_dereference_protected, rcu_access_pointer,
} from 'smpsim';
const Conf = kstruct('conf', 'limit');`;

/** A reader and an updater that replaces the configuration and frees the old one (`grace` before the free). */
function readerVsFree(name: string, grace: string): string {
  return scenarioFile(
    name,
    `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { conf_lock: spinlock(), conf: shared(0), seen: shared(0) },
  tasks: [
    { cpu: 0, run: function updater(s) {
      const first = kzalloc(Conf, GFP_KERNEL);
      deref(first, Conf).limit = 1;
      rcu_assign_pointer(s.conf, first);
      const next = kzalloc(Conf, GFP_KERNEL);
      deref(next, Conf).limit = 2;
      spin_lock(s.conf_lock);
      const old = rcu_dereference_protected(s.conf, true);
      rcu_assign_pointer(s.conf, next);
      spin_unlock(s.conf_lock);
      ${grace}
      kfree(old);
    } },
    { cpu: 1, run: function reader(s) {
      rcu_read_lock();
      const c = rcu_dereference(s.conf);
      if (c) s.seen.value = deref(c, Conf).limit;
      rcu_read_unlock();
    } },
  ],
  check: (s) => s.seen.value <= 2 || \`seen \${s.seen.value}\`,
});
`,
  );
}

describe('RCU', () => {
  it('a reader vs kfree without a grace period: slab-use-after-free in the reader', async () => {
    const p = readerVsFree('rcu-no-grace', '');
    const r = await explore(p, { trials: 1000, seed: 1 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['use-after-free', 'BUG: KASAN: slab-use-after-free in reader'],
    ]);
    expect(r.findings[0]!.report).toContain(`Freed by task 1001:\n kfree+0x0/0x0 at ${at(p, 'kfree(old)')}`);
  });

  it('the same with synchronize_rcu() before the free: clean over 1,000 trials', async () => {
    const r = await explore(readerVsFree('rcu-grace', 'synchronize_rcu();'), { trials: 1000, seed: 1 });
    expect(r.findings).toEqual([]);
  });

  it('synchronize_rcu() returns only after every reader that began before it has ended', async () => {
    const p = scenarioFile(
      'rcu-wait',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { began: shared(0), ended: shared(0), early: shared(0) },
  tasks: [
    { cpu: 0, run: (s) => { rcu_read_lock(); s.began.value = 1; s.ended.value = 1; rcu_read_unlock(); } },
    { cpu: 1, run: (s) => {
      const before = s.began.value;
      synchronize_rcu();
      if (before === 1 && s.ended.value === 0) s.early.value = 1;
    } },
  ],
  check: (s) => s.early.value === 0 || 'synchronize_rcu returned inside a reader that began before it',
});
`,
    );
    const r = await explore(p, { trials: 500, seed: 2 });
    expect(r.findings.filter((f) => f.kind !== 'data-race')).toEqual([]);
  });

  it('sleeping inside a reader: sleep-in-atomic with the RCU nest depth line', async () => {
    const p = scenarioFile(
      'rcu-sleep',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  tasks: [{ cpu: 0, run: () => { rcu_read_lock(); rcu_read_lock_bh();
    msleep(1);
    rcu_read_unlock_bh(); rcu_read_unlock(); } }],
});
`,
    );
    const r = await explore(p, { trials: 2 });
    expect(r.findings.map((f) => f.kind).sort()).toEqual(['scheduling-while-atomic', 'sleep-in-atomic']);
    const f = r.findings.find((x) => x.kind === 'sleep-in-atomic')!;
    expect(f.title).toBe(`BUG: sleeping function called from invalid context at ${at(p, 'msleep(1)')}`);
    expect(f.report).toContain('preempt_count: 201, expected: 0\nRCU nest depth: 2, expected: 0');
  });

  it('synchronize_rcu() inside a reader: "Illegal synchronize_rcu() in RCU read-side critical section!", and it waits for itself', async () => {
    const p = scenarioFile(
      'rcu-sync-in-reader',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  tasks: [{ cpu: 0, run: () => { rcu_read_lock();
    synchronize_rcu();
    rcu_read_unlock(); } }],
});
`,
    );
    const r = await explore(p, { trials: 2 });
    const kinds = r.findings.map((f) => f.kind).sort();
    expect(kinds).toEqual(['deadlock', 'scheduling-while-atomic', 'sleep-in-atomic', 'suspicious-rcu-usage']);
    const f = r.findings.find((x) => x.kind === 'suspicious-rcu-usage')!;
    expect(f.report).toContain(
      [
        '=============================',
        'WARNING: suspicious RCU usage',
        '-----------------------------',
        `${at(p, 'synchronize_rcu();')} Illegal synchronize_rcu() in RCU read-side critical section!`,
        '',
        'other info that might help us debug this:',
        '',
        'rcu_scheduler_active = 2, debug_locks = 1',
        '1 lock held by cpu0/1001:',
        ` #0: (rcu_read_lock){....}, at: ${at(p, 'rcu_read_lock();')}`,
      ].join('\n'),
    );
  });

  it('rcu_dereference outside any reader or lock: suspicious rcu_dereference_check() usage; inside, protected or access: clean', async () => {
    const p = scenarioFile(
      'rcu-deref-outside',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { gp: shared(0), lock: spinlock() },
  tasks: [{ cpu: 0, run: (s) => {
    rcu_dereference(s.gp);
    rcu_read_lock(); rcu_dereference(s.gp); rcu_read_unlock();
    spin_lock(s.lock); rcu_dereference(s.gp); rcu_dereference_protected(s.gp, true); spin_unlock(s.lock);
    rcu_access_pointer(s.gp);
  } }],
});
`,
    );
    const r = await explore(p, { trials: 2 });
    expect(r.findings.map((f) => [f.kind, f.title])).toEqual([
      ['suspicious-rcu-usage', 'WARNING: suspicious RCU usage'],
    ]);
    expect(r.findings[0]!.report).toContain(
      `${at(p, 'rcu_dereference(s.gp);')} suspicious rcu_dereference_check() usage!`,
    );
    expect(r.findings[0]!.report).toContain('no locks held by cpu0/1001.');
  });
});

describe("the README's RCU example", () => {
  it('is clean as written, and a use-after-free without its synchronize_rcu()', async () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const start = readme.indexOf('```ts\nimport { scenario, shared, kzalloc');
    const source = readme.slice(start + 6, readme.indexOf('```', start + 6));
    expect(source).toContain('synchronize_rcu(); kfree(c);');
    const fixed = await explore(scenarioFile('readme-rcu', source), { trials: 1000 });
    expect(fixed.findings).toEqual([]);
    const buggy = await explore(
      scenarioFile('readme-rcu-buggy', source.replace('synchronize_rcu(); kfree(c);', 'kfree(c);')),
      { trials: 1000 },
    );
    expect(buggy.findings.map((f) => f.kind)).toEqual(['use-after-free']);
  });
});
