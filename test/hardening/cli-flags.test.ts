import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { synopsis } from '../../src/cli/flags.ts';
import { DEFAULTS } from '../../src/run/defaults.ts';
import { cli, ROOT, scenarioFile } from '../helpers.ts';

describe('flags: one definition for the parser, the help and the README', () => {
  it('the README synopsis is the one generated from the flag table', () => {
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    expect(readme).toContain(`\`\`\`\n${synopsis()}\n\`\`\``);
  });

  it('help shows the defaults of DEFAULTS and the strategies there are', () => {
    const help = cli(['run', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`--trials <n> number of trials (default: ${DEFAULTS.trials})`);
    expect(help).toContain('--strategy <name> scheduling strategy: random or pct');
    expect(help).toContain(`(default: ${DEFAULTS.hangMs})`);
    expect(help).toContain(`--max-events <n>`);
    expect(help).toContain(`(default: ${DEFAULTS.maxEvents})`);
  });

  it('bad values are named by their flag, in one line, exit 2', () => {
    const cases: [string[], string][] = [
      [['run', 'exercises/abba.ts', '--trials', 'abc'], 'smpsim: --trials must be a positive integer, got "abc"\n'],
      [['run', 'exercises/abba.ts', '--hang-ms', '0'], 'smpsim: --hang-ms must be a positive integer, got "0"\n'],
      [
        ['run', 'exercises/abba.ts', '--seed', '4294967297'],
        'smpsim: --seed must be an integer from -2147483648 to 2147483647, got "4294967297"\n',
      ],
      [['stress', 'exercises/abba.ts', '--seconds', 'x'], 'smpsim: --seconds must be a number ≥ 0.1, got "x"\n'],
    ];
    for (const [args, err] of cases) {
      const r = cli(args);
      expect(r.stderr).toBe(err);
      expect(r.status).toBe(2);
    }
  });

  it('--trace to a missing folder is one line naming the file, exit 2', () => {
    const r = cli([
      'replay',
      'exercises/abba.ts',
      'v2:random:1:c2:t0n5:10101:sccqfco',
      '--trace',
      'no/such/folder/t.json',
    ]);
    expect(r.stderr).toBe('smpsim: cannot write trace no/such/folder/t.json: no such folder\n');
    expect(r.status).toBe(2);
  });

  it('--version prints the package version', () => {
    const r = cli(['--version']);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')).version);
    expect(r.status).toBe(0);
  });

  it('a replay command in a report quotes a path the shell would split', () => {
    const p = scenarioFile(
      'with space',
      `import { scenario, spinlock, spin_lock } from 'smpsim';
export default scenario({ cpus: 1, state: { l: spinlock() }, tasks: [{ cpu: 0, run: (s) => { spin_lock(s.l); spin_lock(s.l); } }] });
`,
    );
    const r = cli(['run', p, '--trials', '2']);
    expect(r.stdout).toContain(`replay: smpsim replay '${p}' v2:`);
  });
});

describe('the README "Limits" section', () => {
  it('states the limits the code enforces', async () => {
    const { MAX_STATE_OBJECTS } = await import('../../src/machine/layout.ts');
    const { MAX_TOKEN_CHOICES } = await import('../../src/sched/token.ts');
    const { MAX_CPUS } = await import('../../src/kernel/declare.ts');
    const { WORKER_HEAP_MB } = await import('../../src/machine/worker-limits.ts');
    const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
    const limits = readme.slice(readme.indexOf('## Limits'), readme.indexOf('\n## ', readme.indexOf('## Limits') + 3));
    expect(limits).toContain(`| CPUs | 1 to ${MAX_CPUS} `);
    expect(limits).toContain(`| State | ${MAX_STATE_OBJECTS} objects`);
    expect(limits).toContain(`default ${DEFAULTS.maxEvents} `);
    expect(limits).toContain(`default ${DEFAULTS.hangMs} `);
    expect(limits).toContain(`| ${WORKER_HEAP_MB} MB of heap`);
    expect(limits).toContain(`| Token length | ${MAX_TOKEN_CHOICES} choices`);
  });
});
