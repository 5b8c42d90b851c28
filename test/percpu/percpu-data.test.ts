/**
 * Per-CPU data: percpu(v), this_cpu_*, __this_cpu_*, per_cpu(v, cpu), get_cpu_var/put_cpu_var.
 * __this_cpu_* in preemptible code is CONFIG_DEBUG_PREEMPT's BUG in the kernel's words; the
 * this_cpu_* forms, and the same update with preemption off, are clean; a split update by a task
 * that migrates races with the interrupt handler of the CPU it left; a lost update shows in a
 * check() that sums the copies.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { explore, shutdown } from '../../src/index.ts';
import { ROOT, cli, scenarioFile, siteOf } from '../helpers.ts';
import { typeErrors } from '../support/typecheck.ts';

afterAll(() => shutdown());

/** Two tasks allowed on both CPUs run `body` twice each; check() sums the copies. */
function counter(name: string, body: string): string {
  return scenarioFile(
    name,
    `import { scenario, percpu, per_cpu, get_cpu, put_cpu, get_cpu_var, put_cpu_var, this_cpu_inc, this_cpu_add_return,
  __this_cpu_inc, __this_cpu_read, __this_cpu_write } from 'smpsim';
const count = (s: any) => { for (let i = 0; i < 2; i++) { ${body} } };
export default scenario({
  cpus: 2,
  state: { packets: percpu(0) },
  tasks: [{ name: 'rx0', cpus: [0, 1], run: count }, { name: 'rx1', cpus: [0, 1], run: count }],
  check: (s) => {
    const sum = per_cpu(s.packets, 0).value + per_cpu(s.packets, 1).value;
    return sum === 4 || \`packets = \${sum}, expected 4\`;
  },
});
`,
  );
}

describe('per-CPU data', () => {
  it("__this_cpu_inc() with preemption on is CONFIG_DEBUG_PREEMPT's BUG, naming the op the kernel checks", async () => {
    const p = counter('pcpu-raw-inc', '__this_cpu_inc(s.packets);');
    const r = await explore(p, { trials: 50 });
    expect(r.findings.map((f) => f.kind)).toContain('preemptible-cpu-access');
    const f = r.findings.find((x) => x.kind === 'preemptible-cpu-access')!;
    expect(f.title).toMatch(/^BUG: using __this_cpu_add\(\) in preemptible \[00000000\] code: rx[01]\/100[12]$/);
    expect(f.report.split('\n')).toContain(`caller is ${siteOf(p, '__this_cpu_inc(s.packets)')}`);
  }, 60_000);

  it('this_cpu_inc(), or the split update inside get_cpu()/put_cpu() or get_cpu_var()/put_cpu_var(), is clean over 1,000 trials', async () => {
    const cases = [
      counter('pcpu-this-cpu-inc', 'this_cpu_inc(s.packets);'),
      counter('pcpu-this-cpu-add-return', 'this_cpu_add_return(s.packets, 1);'),
      counter('pcpu-get-cpu', 'get_cpu(); __this_cpu_write(s.packets, __this_cpu_read(s.packets) + 1); put_cpu();'),
      counter('pcpu-get-cpu-var', 'const c = get_cpu_var(s.packets); c.value = c.value + 1; put_cpu_var(s.packets);'),
    ];
    for (const p of cases) {
      const r = await explore(p, { trials: 1000 });
      expect(r.findings, p).toEqual([]);
      expect(r.trials).toBe(1000);
    }
  }, 240_000);

  it('the split update with preemption on loses a count: check() sums the copies and fails', async () => {
    const p = counter('pcpu-split', '__this_cpu_write(s.packets, __this_cpu_read(s.packets) + 1);');
    const r = await explore(p, { trials: 500 });
    expect(r.findings.map((f) => f.kind)).toEqual(
      expect.arrayContaining(['preemptible-cpu-access', 'data-race', 'assertion']),
    );
    const a = r.findings.find((f) => f.kind === 'assertion')!;
    expect(a.title).toMatch(/^check failed: packets = [35], expected 4$/);
    const bugs = r.findings.filter((f) => f.kind === 'preemptible-cpu-access').map((f) => f.title.split(' in ')[0]);
    expect(new Set(bugs)).toEqual(new Set(['BUG: using __this_cpu_read()', 'BUG: using __this_cpu_write()']));
  }, 60_000);

  it("a migrating task's split update races with the irq handler of the CPU it left: data-race", async () => {
    const p = scenarioFile(
      'pcpu-split-irq',
      `import { scenario, percpu, this_cpu_inc, __this_cpu_read, __this_cpu_write, IRQ_HANDLED } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { hits: percpu(0) },
  tasks: [{ name: 'netd', cpus: [0, 1], run: (s) => {
    const x = __this_cpu_read(s.hits);
    __this_cpu_write(s.hits, x + 1);
  } }],
  irqs: [{ irq: 10, name: 'eth0', cpus: [0], handler: (s) => { this_cpu_inc(s.hits); return IRQ_HANDLED; } }],
});
`,
    );
    const r = await explore(p, { trials: 300 });
    expect(r.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['data-race', 'preemptible-cpu-access']));
    const race = r.findings.find((f) => f.kind === 'data-race')!;
    expect(race.title).toMatch(/^BUG: KCSAN: data-race in /);
    expect(race.report).toContain('per_cpu(hits, 0) of 4 bytes');
  }, 60_000);

  it('per_cpu() of a CPU the machine does not have, and this_cpu_inc() of a shared int, are usage errors (exit 2)', () => {
    const bad = (name: string, call: string): string =>
      scenarioFile(
        name,
        `import { scenario, percpu, shared, per_cpu, this_cpu_inc } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { v: percpu(0), n: shared(0) },
  tasks: [{ cpu: 0, run: (s) => { ${call} } }],
});
`,
      );
    const r1 = cli(['run', bad('pcpu-bad-cpu', 'per_cpu(s.v, 5).value = 1;'), '--trials', '1']);
    expect(r1.status).toBe(2);
    expect(r1.stderr).toMatch(/per_cpu\(s\.v, 5\): no CPU 5 on this machine/);
    const r2 = cli(['run', bad('pcpu-bad-kind', 'this_cpu_inc(s.n as any);'), '--trials', '1']);
    expect(r2.status).toBe(2);
    expect(r2.stderr).toMatch(/this_cpu_inc\(s\.n\): "n" is a shared, expected a percpu/);
  }, 60_000);
});

describe("the README's per-CPU example", () => {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  const start = readme.indexOf('```ts\nimport { scenario, percpu');
  const source = readme.slice(start + 6, readme.indexOf('```', start + 6));

  it('type-checks', () => {
    expect(typeErrors(source)).toEqual([]);
  }, 60_000);

  it('is clean over 1,000 trials as written, and miscounts with a split __this_cpu_* update', async () => {
    expect(source).toContain('this_cpu_inc(s.packets);');
    const fixed = await explore(scenarioFile('readme-percpu', source), { trials: 1000 });
    expect(fixed.findings).toEqual([]);
    const buggy = source
      .replace('this_cpu_inc, type', '__this_cpu_read, __this_cpu_write, type')
      .replace('this_cpu_inc(s.packets);', '__this_cpu_write(s.packets, __this_cpu_read(s.packets) + 1);');
    const r = await explore(scenarioFile('readme-percpu-buggy', buggy), { trials: 1000 });
    expect(r.findings.map((f) => f.kind)).toEqual(expect.arrayContaining(['preemptible-cpu-access', 'assertion']));
  }, 120_000);
});
