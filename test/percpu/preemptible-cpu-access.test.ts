/**
 * CONFIG_DEBUG_PREEMPT: smp_processor_id() in preemptible code by a task allowed on several CPUs
 * is lib/smp_processor_id.c's BUG report; with preemption off (get_cpu/put_cpu), irqs off, or a
 * task pinned to one CPU, it is clean.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { scenarioFile, siteOf } from '../helpers.ts';

afterAll(() => shutdown());

function task(name: string, affinity: string, body: string): string {
  return scenarioFile(
    name,
    `import { scenario, shareds, smp_processor_id, get_cpu, put_cpu, local_irq_save, local_irq_restore } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { slots: shareds(2) },
  tasks: [{ name: 'netd', ${affinity} run: (s) => { ${body} } }],
});
`,
  );
}

describe('preemptible-cpu-access', () => {
  it("smp_processor_id() with preemption on, in a task allowed on CPUs 0 and 1, is the kernel's BUG", async () => {
    const p = task('spid-bug', 'cpus: [0, 1],', 'const c = smp_processor_id(); s.slots[c]!.value = 1;');
    const r = await explore(p, { trials: 50 });
    expect(r.findings.map((f) => f.kind)).toEqual(['preemptible-cpu-access']);
    const f = r.findings[0]!;
    expect(f.title).toBe('BUG: using smp_processor_id() in preemptible [00000000] code: netd/1001');
    expect(f.report.split('\n')).toContain(`caller is ${siteOf(p, 'smp_processor_id();')}`);
  }, 60_000);

  it('a task with no cpu at all may run anywhere, so it is reported too', async () => {
    const p = task('spid-anywhere', '', 'const c = smp_processor_id(); s.slots[c]!.value = 1;');
    const r = await explore(p, { trials: 20 });
    expect(r.findings.map((f) => f.kind)).toEqual(['preemptible-cpu-access']);
  }, 60_000);

  it('the same inside get_cpu()/put_cpu(), under local_irq_save, or pinned to one CPU is clean over 1,000 trials', async () => {
    const cases = [
      task('spid-get-cpu', 'cpus: [0, 1],', 'const c = get_cpu(); s.slots[c]!.value = 1; put_cpu();'),
      task(
        'spid-irqs-off',
        'cpus: [0, 1],',
        'const f = local_irq_save(); const c = smp_processor_id(); s.slots[c]!.value = 1; local_irq_restore(f);',
      ),
      task('spid-pinned', 'cpu: 1,', 'const c = smp_processor_id(); s.slots[c]!.value = 1;'),
    ];
    for (const p of cases) {
      const r = await explore(p, { trials: 1000 });
      expect(r.findings, p).toEqual([]);
      expect(r.trials).toBe(1000);
    }
  }, 120_000);
});
