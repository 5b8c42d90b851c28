import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile } from '../helpers.ts';

afterAll(() => shutdown());

const IMPORTS = `import { scenario, atomic, atomic_inc, atomic_read, atomic_set, timer_list, mod_timer, del_timer_sync, jiffies, get_jiffies_64,
  msleep, HZ, time_after, BUG_ON } from 'smpsim';`;

describe('jiffies: virtual time that advances as the trial runs', () => {
  it('jiffies() reads the count of the running trial: sleeps move it, and every CPU sees them', async () => {
    const p = scenarioFile(
      'jiffies-advance',
      `${IMPORTS}
export default scenario({
  cpus: 2,
  state: { seen: atomic(0) },
  tasks: [
    { cpu: 0, run: (s) => {
      const t0 = jiffies();
      BUG_ON(t0 !== get_jiffies_64(), 'jiffies() and get_jiffies_64() differ');
      msleep(20);
      BUG_ON(!time_after(jiffies(), t0 + 19), 'msleep(20) moved jiffies by ' + (jiffies() - t0));
      atomic_inc(s.seen);
    } },
    { cpu: 1, run: (s) => {
      while (atomic_read(s.seen) === 0) msleep(1);
      // the other CPU slept 20 jiffies before it said so: this CPU sees them pass too
      BUG_ON(jiffies() < 20, 'jiffies did not advance here: ' + jiffies());
    } },
  ],
});
`,
    );
    expect((await explore(p, { trials: 1000 })).findings).toEqual([]);
  });

  it('mod_timer(t, jiffies() + HZ): the callback runs once a second of virtual time has passed', async () => {
    const p = scenarioFile(
      'jiffies-mod-timer',
      `${IMPORTS}
export default scenario({
  cpus: 1,
  state: { armed: atomic(0), runs: atomic(0), t: timer_list((s: any) => {
    BUG_ON(jiffies() < atomic_read(s.armed) + HZ, 'expired at ' + jiffies() + ', armed at ' + atomic_read(s.armed));
    atomic_inc(s.runs);
  }) },
  tasks: [{ cpu: 0, run: (s) => {
    msleep(5);
    atomic_set(s.armed, jiffies());
    mod_timer(s.t, jiffies() + HZ);
    while (atomic_read(s.runs) === 0) msleep(100);
    del_timer_sync(s.t);
  } }],
  check: (s) => atomic_read(s.runs) === 1 || 'the timer ran ' + atomic_read(s.runs) + ' times',
});
`,
    );
    expect((await explore(p, { trials: 1000 })).findings).toEqual([]);
  });
});
