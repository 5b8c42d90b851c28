/**
 * Preemption and migration of unpinned tasks as scheduler choices: random, PCT, DPOR and the
 * fast-check arbitrary find what only a migration shows, its token replays the identical
 * trial, and a machine whose tasks are all pinned has no migration option at all.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { checkScenario, explore, replay, shutdown, verifyScenario } from '../../src/index.ts';
import { EV_WORDS, F_CPU, F_FN, kfn } from '../../src/machine/events.ts';
import { Layout } from '../../src/machine/layout.ts';
import { loadScenario } from '../../src/run/load-scenario.ts';
import { EXERCISES } from '../../exercises/index.ts';
import { scenarioFile } from '../helpers.ts';

afterAll(() => shutdown());

/**
 * The task reads and writes CPU `cpu`'s copy with irqs off around each access, so the handler
 * of that CPU can never land on either: only a migration between them puts the write on
 * another CPU, concurrent with the handler.
 */
function splitUpdate(name: string, affinity: string): string {
  return scenarioFile(
    name,
    `import { scenario, percpu, per_cpu, raw_smp_processor_id, local_irq_save, local_irq_restore, this_cpu_inc,
  IRQ_HANDLED } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { hits: percpu(0) },
  tasks: [{ name: 'netd', ${affinity} run: (s) => {
    const cpu = raw_smp_processor_id();
    let f = local_irq_save();
    const x = per_cpu(s.hits, cpu).value;
    local_irq_restore(f);
    f = local_irq_save();
    per_cpu(s.hits, cpu).value = x + 1;
    local_irq_restore(f);
  } }],
  irqs: [{ irq: 10, name: 'eth0', cpus: [0], handler: (s) => { this_cpu_inc(s.hits); return IRQ_HANDLED; } }],
});
`,
  );
}

describe('migration of unpinned tasks', () => {
  it('pinned, the split update under irqs off is clean; allowed on both CPUs, its write after a migration races with the handler', async () => {
    const pinned = await explore(splitUpdate('mig-pinned', 'cpu: 0,'), { trials: 1000 });
    expect(pinned.findings).toEqual([]);
    const p = splitUpdate('mig-unpinned', 'cpus: [0, 1],');
    const r = await explore(p, { trials: 300 });
    // the read too, when the move comes before it
    expect(new Set(r.findings.map((f) => f.kind))).toEqual(new Set(['data-race']));
    const f = r.findings.find((x) => /write to per_cpu\(hits, 0\) of 4 bytes by task 1001 on cpu 1:/.test(x.report))!;
    expect(f.report).toMatch(/to per_cpu\(hits, 0\) of 4 bytes by interrupt on cpu 0:/);
    expect(f.cpus).toEqual([0, 1]);
  }, 120_000);

  it('its token replays the identical trial, the task on CPU 1 after the move', async () => {
    const p = splitUpdate('mig-replay', 'cpus: [0, 1],');
    const f = (await explore(p, { trials: 300 })).findings[0]!;
    const a = (await replay(p, f.replay)).trials[0]!;
    const b = (await replay(p, a.token)).trials[0]!;
    const words = (t: typeof a): number[] => Array.from(t.events.words.slice(0, t.events.length * EV_WORDS));
    expect(words(b)).toEqual(words(a));
    // the task's accesses: the read on CPU 0, the write on CPU 1
    const cpus: number[] = [];
    for (let i = 0; i < a.events.length; i++) {
      const at = i * EV_WORDS;
      if (a.events.words[at + F_FN] === kfn('write') || a.events.words[at + F_FN] === kfn('read'))
        cpus.push(a.events.words[at + F_CPU]!);
    }
    expect(cpus).toContain(1);
  }, 120_000);

  it('PCT, DPOR and the fast-check arbitrary find it too; DPOR completes, and shrinking keeps it failing', async () => {
    const p = splitUpdate('mig-strategies', 'cpus: [0, 1],');
    const pct = await explore(p, { trials: 500, strategy: 'pct' });
    expect(new Set(pct.findings.map((f) => f.kind))).toEqual(new Set(['data-race']));
    const v = await verifyScenario(p);
    expect(v.complete).toBe(true);
    expect(new Set(v.findings.map((f) => f.kind))).toEqual(new Set(['data-race']));
    const c = await checkScenario(p, { kinds: ['data-race'], throws: false });
    expect(c.failed).toBe(true);
    expect(c.findings.map((f) => f.kind)).toContain('data-race');
    expect(c.switches).toBeGreaterThanOrEqual(1);
  }, 180_000);

  it('a machine whose tasks are all pinned (every exercise but those with unpinned tasks) plans no migration', async () => {
    for (const e of EXERCISES) {
      for (const path of [e.buggy]) {
        const { def } = await loadScenario(path);
        const L = new Layout(def);
        const unpinned = def.tasks.some((t) => (t.cpus?.length ?? (t.cpu === undefined ? def.cpus : 1)) > 1);
        expect(L.strategyShape.migrations === undefined, path).toBe(!unpinned);
      }
    }
  }, 300_000);
});
