import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../src/index.ts';
import { scenarioFile } from './helpers.ts';
import { EV_WORDS } from '../src/machine/events.ts';

afterAll(() => shutdown());

const ABBA = 'exercises/abba.ts';

const lostUpdate = (inc: string) =>
  scenarioFile(
    'lost-update',
    `import { scenario, shared, atomic, atomic_inc, atomic_read } from 'smpsim';
const bump = (s: any) => { for (let i = 0; i < 3; i++) { ${inc} } };
export default scenario({
  cpus: 2,
  state: { x: shared(0), v: atomic(0) },
  tasks: [{ cpu: 0, run: bump }, { cpu: 1, run: bump }],
  check: (s) => (s.x.value + atomic_read(s.v)) === 6 || \`lost update: x=\${s.x.value + atomic_read(s.v)}\`,
});
`,
  );

describe('deadlocks', () => {
  it('finds the 2-CPU ABBA deadlock with both CPUs, both locks and call sites', async () => {
    const r = await explore(ABBA, { trials: 200, seed: 1 });
    const d = r.findings.find((f) => f.kind === 'deadlock');
    expect(d).toBeDefined();
    expect(d!.cpus).toEqual([0, 1]);
    expect(d!.locks.sort()).toEqual(['a', 'b']);
    expect(d!.sites).toEqual(
      expect.arrayContaining([
        'exercises/abba.ts:12',
        'exercises/abba.ts:13',
        'exercises/abba.ts:21',
        'exercises/abba.ts:22',
      ]),
    );
    const lines = d!.report.split('\n');
    expect(lines).toContain('WARNING: deadlock: no CPU can make progress');
    expect(lines).toContain('cpu0/1001 on CPU0 is trying to acquire lock:');
    expect(lines).toContain('(b), at: exercises/abba.ts:13');
    expect(lines).toContain(' #0: (a), at: exercises/abba.ts:12');
    expect(lines).toContain('       CPU0                    CPU1');
    expect(lines).toContain(' *** DEADLOCK ***');
    expect(lines.at(-2)).toBe(`replay: smpsim replay exercises/abba.ts ${d!.replay}`);
  });

  it('1 CPU taking the same spinlock twice deadlocks', async () => {
    const p = scenarioFile(
      'aa',
      `import { scenario, spinlock, spin_lock } from 'smpsim';
export default scenario({ cpus: 1, state: { a: spinlock() }, tasks: [{ cpu: 0, run: (s) => { spin_lock(s.a); spin_lock(s.a); } }] });
`,
    );
    const r = await explore(p, { trials: 5 });
    expect(r.findings.map((f) => f.kind)).toContain('deadlock');
    expect(r.findings.find((f) => f.kind === 'deadlock')!.count).toBe(5);
  });

  const irqScenario = (lock: string, unlock: string) =>
    scenarioFile(
      'irq-self',
      `import { scenario, spinlock, spin_lock, spin_unlock, spin_lock_irqsave, spin_unlock_irqrestore, shared, IRQ_HANDLED } from 'smpsim';
export default scenario({
  cpus: 1,
  state: { lock: spinlock(), n: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { ${lock} s.n.value = s.n.value + 1; ${unlock} } }],
  irqs: [{ irq: 10, name: 'eth0', cpus: [0], fires: 1, handler: (s) => { spin_lock(s.lock); spin_unlock(s.lock); return IRQ_HANDLED; } }],
});
`,
    );

  it('an IRQ handler taking a lock its CPU holds with irqs enabled deadlocks, shown as <Interrupt>', async () => {
    const p = irqScenario('spin_lock(s.lock);', 'spin_unlock(s.lock);');
    const r = await explore(p, { trials: 300 });
    const d = r.findings.find((f) => f.kind === 'deadlock');
    expect(d).toBeDefined();
    expect(d!.report).toContain('<Interrupt> irq 10 (eth0) on CPU0, over cpu0/1001, is trying to acquire lock:');
    expect(d!.report).toContain('which is held by the code it interrupted on the same CPU.');
    expect(d!.report).toMatch(/\n {2}<Interrupt>\n {4}lock\(lock\);/);
  });

  it('the same with spin_lock_irqsave: no finding in 1,000 trials', async () => {
    const p = irqScenario('const f = spin_lock_irqsave(s.lock);', 'spin_unlock_irqrestore(s.lock, f);');
    const r = await explore(p, { trials: 1000 });
    expect(r.findings).toEqual([]);
    expect(r.interrupts[0]!.perCpu[0]).toBeGreaterThan(0);
  });
});

describe('lost update', () => {
  it('x.value++ from 2 CPUs: assertion within 100 PCT trials', async () => {
    const r = await explore(lostUpdate('s.x.value++;'), { trials: 100, strategy: 'pct', seed: 7 });
    const a = r.findings.find((f) => f.kind === 'assertion');
    expect(a).toBeDefined();
    expect(a!.title).toMatch(/^check failed: lost update: x=[1-5]$/);
  });

  it('with atomic_inc: no finding in 1,000 trials', async () => {
    const r = await explore(lostUpdate('atomic_inc(s.v);'), { trials: 1000, strategy: 'pct' });
    expect(r.findings).toEqual([]);
    expect(r.trials).toBe(1000);
  });
});

describe('replay identity', () => {
  it('200 random schedules of a 3-CPU scenario replay to the identical event sequence', async () => {
    const p = scenarioFile(
      'three',
      `import { scenario, spinlock, spin_lock, spin_unlock, shared, atomic, atomic_inc, IRQ_HANDLED } from 'smpsim';
const work = (s: any) => { for (let i = 0; i < 2; i++) { spin_lock(s.l); s.x.value = s.x.value + 1; spin_unlock(s.l); atomic_inc(s.v); } };
export default scenario({
  cpus: 3,
  state: { l: spinlock(), x: shared(0), v: atomic(0) },
  tasks: [{ cpu: 0, run: work }, { cpu: 1, run: work }, { cpu: 2, run: work }],
  irqs: [{ irq: 5, cpus: [0, 1, 2], fires: 2, handler: (s) => { atomic_inc(s.v); return IRQ_HANDLED; } }],
});
`,
    );
    const { encodeToken, segment } = await import('../src/sched/token.ts');
    let compared = 0;
    const distinct = new Set<string>();
    for (let seed = 1; seed <= 200; seed++) {
      // a random schedule: choices are taken modulo the options there are (lenient replay) …
      let x = seed;
      const choices = Array.from({ length: 60 }, () => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) >>> 16) % 6);
      const generated = encodeToken({ strategy: 'random', seed, cpus: 3 }, [segment(0, choices)]);
      const first = (await replay(p, generated, { lenient: true })).trials[0]!;
      // … and the token of what actually ran replays to the identical event sequence
      const again = (await replay(p, first.token)).trials[0]!;
      expect(again.token).toBe(first.token);
      expect(Array.from(again.events.words.slice(0, again.events.length * EV_WORDS))).toEqual(
        Array.from(first.events.words.slice(0, first.events.length * EV_WORDS)),
      );
      distinct.add(first.token);
      compared++;
    }
    expect(distinct.size).toBeGreaterThan(150);
    expect(compared).toBe(200);
  });
});
