import { afterAll, describe, expect, it } from 'vitest';
import { explore, replay, shutdown } from '../src/index.ts';
import { cli, scenarioFile, siteOf } from './helpers.ts';

afterAll(() => shutdown());

describe('bad input gets one clear line or a finding, never a hang', () => {
  it('a missing scenario file: exit 2 with one line', () => {
    const r = cli(['run', 'exercises/no-such-file.ts']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toEqual([
      'smpsim: cannot open scenario exercises/no-such-file.ts: no such file',
    ]);
  });

  it('a scenario with a syntax error: exit 2 naming the problem', () => {
    const p = scenarioFile(
      'syntax',
      `import { scenario } from 'smpsim';\nexport default scenario({ cpus: 1, tasks: [ ;\n`,
    );
    const r = cli(['run', p]);
    expect(r.status).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^smpsim: cannot load scenario ${p.replace(/[.]/g, '\\.')}: `));
  });

  it('a module without a scenario default export: exit 2', () => {
    const p = scenarioFile('noscen', `export default { cpus: 2 };\n`);
    const r = cli(['run', p]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('has no default export made by scenario({...})');
  });

  it('a malformed token and a token for another machine: exit 2', () => {
    expect(cli(['replay', 'exercises/abba.ts', 'v2:random:1:c2:t0n2:!!:sm1w0n4']).status).toBe(2);
    const r = cli(['replay', 'exercises/abba.ts', 'v2:random:1:c3:t0n1:0:s35swqe']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('smpsim: replay token is for a 3-CPU machine but exercises/abba.ts has 2 CPUs');
  });

  it('a token asking for choices the scenario does not offer: exit 2', () => {
    const r = cli(['replay', 'exercises/abba.ts', 'v2:random:1:c2:t0n4:9999:sj6l554']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toContain('does not match exercises/abba.ts');
  });

  it('an unknown strategy or a bad trial count: exit 2', () => {
    expect(cli(['run', 'exercises/abba.ts', '--strategy', 'bogus']).stderr.trim()).toBe(
      'smpsim: unknown strategy "bogus" (use random, pct, dpor or dfs)',
    );
    expect(cli(['run', 'exercises/abba.ts', '--trials', '-4']).status).toBe(2);
    expect(cli(['frobnicate']).status).toBe(2);
  });

  it('a task that throws is an exception finding with its message and site', async () => {
    const p = scenarioFile(
      'throws',
      `import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';
export default scenario({ cpus: 2, state: { l: spinlock() }, tasks: [
  { cpu: 0, run: (s) => { spin_lock(s.l); spin_unlock(s.l); } },
  { cpu: 1, run: (s: any) => { spin_lock(s.l); s.l.nothing.value = 1; } },
] });
`,
    );
    const r = await explore(p, { trials: 20 });
    const e = r.findings.find((f) => f.kind === 'exception');
    expect(e).toBeDefined();
    expect(e!.report).toMatch(
      /TypeError: Cannot set properties of undefined \(setting 'value'\) at .*throws-.*\.ts:4 \(in task cpu1\)/,
    );
    expect(r.trials).toBe(20);
  });

  it('a task with while(true){} is an exception finding, its worker is replaced and the run goes on', async () => {
    const p = scenarioFile(
      'spin',
      `import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';
export default scenario({ cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); if (atomic_read(s.v) === 2) { while (true) {} } } },
] });
`,
    );
    const r = await explore(p, { trials: 6, hangMs: 300 });
    const hang = r.findings.find((f) => f.signature === 'hang:cpu1');
    expect(hang).toBeDefined();
    // the task, and the kernel call after which it went on alone
    expect(hang!.title).toBe(
      `BUG: no scheduling point for 300 ms on CPU 1 in task cpu1/1002, after atomic_read() at ${siteOf(p, 'while (true)')}`,
    );
    expect(hang!.report).toContain(`replay: smpsim replay ${p} ${hang!.replay}`);
    expect(r.trials).toBe(6);
    // the machine still works after a worker was replaced
    const again = await explore('exercises/abba.ts', { trials: 50 });
    expect(again.findings.map((f) => f.kind)).toContain('deadlock');
  });

  it('a worker that dies (process.exit in a task) is an exception finding and the run goes on', async () => {
    const p = scenarioFile(
      'crash',
      `import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';
export default scenario({ cpus: 2, state: { v: atomic(0) }, tasks: [
  { cpu: 0, run: (s) => { atomic_inc(s.v); } },
  { cpu: 1, run: (s) => { atomic_inc(s.v); if (atomic_read(s.v) === 2) process.exit(3); } },
] });
`,
    );
    const r = await explore(p, { trials: 10 });
    const crash = r.findings.find((f) => f.signature === 'crash:cpu1');
    expect(crash).toBeDefined();
    expect(crash!.title).toMatch(/^BUG: CPU 1 worker crashed: /);
    expect(crash!.report).toContain('The worker thread simulating CPU1 died in the middle of a trial');
    expect(crash!.report).not.toContain('without calling any kernel function');
    expect(r.trials).toBe(10);
  });

  it('a livelock (a trial past --max-events) is a trial-too-long warning naming the cap', async () => {
    const p = scenarioFile(
      'livelock',
      `import { scenario, atomic, atomic_read } from 'smpsim';
export default scenario({ cpus: 1, state: { v: atomic(0) }, tasks: [{ cpu: 0, run: (s) => { while (atomic_read(s.v) === 0) {} } }] });
`,
    );
    const r = await explore(p, { trials: 3, maxEvents: 2000 });
    expect(r.findings.map((f) => [f.kind, f.signature])).toEqual([['trial-too-long', 'step-limit']]);
    expect(r.findings[0]!.title).toBe('WARNING: trial ran past --max-events (2000 events) and was cut short');
  });

  it('kernel functions outside a simulated CPU throw a clear error', async () => {
    const { spin_lock } = await import('../src/index.ts');
    expect(() => spin_lock({ __id: 0 } as never)).toThrow('spin_lock() called outside a simulated CPU');
  });

  it('replay() of a malformed token rejects with a one-line message', async () => {
    await expect(replay('exercises/abba.ts', 'nonsense')).rejects.toThrow(/^malformed replay token "nonsense"/);
  });
});

describe('CLI exit status', () => {
  it('1 with findings, and the report ends with the replay command; replay prints identical text', () => {
    const r = cli(['run', 'exercises/abba.ts', '--trials', '200']);
    expect(r.status).toBe(1);
    const m = /replay: (smpsim replay exercises\/abba\.ts (\S+))/.exec(r.stdout);
    expect(m).not.toBeNull();
    const a = cli(['replay', 'exercises/abba.ts', m![2]!]);
    const b = cli(['replay', 'exercises/abba.ts', m![2]!]);
    expect(a.status).toBe(1);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toContain('WARNING: deadlock: no CPU can make progress');
  });

  it('0 without findings; --json prints the documented object', () => {
    const p = scenarioFile(
      'clean',
      `import { scenario, spinlock, spin_lock, spin_unlock, shared } from 'smpsim';
const inc = (s: any) => { spin_lock(s.l); s.x.value = s.x.value + 1; spin_unlock(s.l); };
export default scenario({ cpus: 2, state: { l: spinlock(), x: shared(0) }, tasks: [{ cpu: 0, run: inc }, { cpu: 1, run: inc }],
  check: (s) => s.x.value === 2 });
`,
    );
    const r = cli(['run', p, '--trials', '300', '--json']);
    expect(r.status).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j).sort()).toEqual([
      'elapsedMs',
      'findings',
      'memory',
      'scenario',
      'seed',
      'strategy',
      'trials',
    ]);
    expect(j).toMatchObject({ scenario: p, strategy: 'random', memory: 'sc', seed: 1, trials: 300, findings: [] });
  });

  it('--json findings carry kind, signature, title, cpus, locks, sites, replay, firstTrial, count, report', () => {
    const r = cli(['run', 'exercises/abba.ts', '--trials', '100', '--json', '--strategy', 'pct']);
    expect(r.status).toBe(1);
    const f = JSON.parse(r.stdout).findings.find((x: { kind: string }) => x.kind === 'deadlock');
    expect(Object.keys(f).sort()).toEqual(
      ['count', 'cpus', 'firstTrial', 'kind', 'locks', 'replay', 'report', 'signature', 'sites', 'title'].sort(),
    );
  });
});
