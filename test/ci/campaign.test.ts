/**
 * Campaigns as CI runs them: shards whose merge equals the unsharded run, merge idempotence, a
 * findings file that survives a SIGINT, and --resume carrying on where a run stopped.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, ROOT, scenarioFile } from '../helpers.ts';

interface JsonFinding {
  kind: string;
  signature: string;
  title: string;
  replay: string;
  firstTrial: number;
  count: number;
  report: string;
}
interface JsonRun {
  scenario: string;
  trials: number;
  findings: JsonFinding[];
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'smpsim-campaign-'));

function runJson(args: string[]): JsonRun {
  const r = cli(args);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as JsonRun;
}

const bySignature = (r: JsonRun) => Object.fromEntries(r.findings.map((f) => [f.signature, f.replay]));

describe('--shard k/n and smpsim merge', () => {
  it.each([['exercises/abba.ts'], ['exercises/lost-update/buggy.ts']])(
    '%s: the merged shards equal the unsharded run by signature, with the same tokens',
    (scenario) => {
      const whole = runJson(['run', scenario, '--trials', '600', '--json']);
      expect(whole.findings.length).toBeGreaterThan(0);
      const dir = tmp();
      const files = [1, 2, 3].map((k) => {
        const r = cli(['run', scenario, '--trials', '600', '--shard', `${k}/3`, '--json']);
        const shard = JSON.parse(r.stdout) as JsonRun;
        expect(shard.trials).toBe(200);
        const file = join(dir, `shard-${k}.json`);
        writeFileSync(file, r.stdout);
        return file;
      });
      const merged = runJson(['merge', ...files, '--json']);
      expect(merged.trials).toBe(600);
      expect(bySignature(merged)).toEqual(bySignature(whole));
      // each trial's count lands in exactly one shard
      const deadlock = whole.findings.find((f) => f.kind === 'deadlock' || f.kind === 'assertion')!;
      expect(merged.findings.find((f) => f.signature === deadlock.signature)!.count).toBe(deadlock.count);
      // the text form prints every report and the summary line of run
      const text = cli(['merge', ...files]);
      expect(text.status).toBe(1);
      expect(text.stdout).toContain(
        `smpsim: ${scenario}: 600 trials (random, seed 1): ${whole.findings.length} finding`,
      );
    },
  );

  it('a lock-order cycle whose two halves fell in different shards is found by the merge, as unsharded', () => {
    // each trial takes the locks in one order only, as CPU 1's flag says: with seed 1, trial 0
    // takes b then a and trial 1 a then b, so each one-trial shard sees half of the cycle
    const p = scenarioFile(
      'halves',
      `import { scenario, spinlock, spin_lock, spin_unlock, atomic, atomic_read, atomic_set } from 'smpsim';
export default scenario({
  cpus: 2,
  state: { a: spinlock(), b: spinlock(), flag: atomic(0) },
  tasks: [
    { cpu: 0, run: (s) => {
      if (atomic_read(s.flag)) { spin_lock(s.a); spin_lock(s.b); spin_unlock(s.b); spin_unlock(s.a); }
      else { spin_lock(s.b); spin_lock(s.a); spin_unlock(s.a); spin_unlock(s.b); }
    } },
    { cpu: 1, run: (s) => atomic_set(s.flag, 1) },
  ],
});
`,
    );
    const whole = runJson(['run', p, '--trials', '2', '--json']);
    expect(whole.findings.map((f) => f.kind)).toEqual(['circular-dependency']);
    const dir = tmp();
    const files = [1, 2].map((k) => {
      const shard = cli(['run', p, '--trials', '2', '--shard', `${k}/2`, '--json']).stdout;
      expect((JSON.parse(shard) as JsonRun).findings).toEqual([]);
      const file = join(dir, `shard-${k}.json`);
      writeFileSync(file, shard);
      return file;
    });
    const merged = runJson(['merge', ...files, '--json']);
    expect(bySignature(merged)).toEqual(bySignature(whole));
    expect(merged.findings[0]!.report).toContain('WARNING: possible circular locking dependency detected');
  });

  it('merge is idempotent: a merged run merges back to itself, and order does not matter', () => {
    const dir = tmp();
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    writeFileSync(a, cli(['run', 'exercises/abba.ts', '--trials', '100', '--shard', '1/2', '--json']).stdout);
    writeFileSync(b, cli(['run', 'exercises/abba.ts', '--trials', '100', '--shard', '2/2', '--json']).stdout);
    const ab = cli(['merge', a, b, '--json']).stdout;
    const ba = cli(['merge', b, a, '--json']).stdout;
    const strip = (s: string) => ({ ...JSON.parse(s), elapsedMs: 0 });
    expect(strip(ba)).toEqual(strip(ab));
    const abFile = join(dir, 'ab.json');
    writeFileSync(abFile, ab);
    expect(strip(cli(['merge', abFile, '--json']).stdout)).toEqual(strip(ab));
  });

  it('bad shards and bad merge inputs are one-line usage errors', () => {
    for (const [args, msg] of [
      [['run', 'exercises/abba.ts', '--shard', '4/3'], /^smpsim: --shard must be k\/n with 1 ≤ k ≤ n, got "4\/3"\n$/],
      [['run', 'exercises/abba.ts', '--time-budget', 'soon'], /^smpsim: --time-budget must be a duration such as 30s/],
      [['merge', 'no-such.json'], /^smpsim: cannot open no-such\.json: no such file or folder\n$/],
      [['merge', 'package.json'], /^smpsim: package\.json is not the JSON of smpsim run --json/],
    ] as const) {
      const r = cli([...args]);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(msg);
    }
  });
});

describe('--out DIR', () => {
  it("the findings are on disk, fsync'd as found, when the run is interrupted with SIGINT", async () => {
    const dir = join(tmp(), 'campaign');
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'smpsim.mjs'), 'run', 'exercises/abba.ts', '--trials', '100000000', '--out', dir],
      { cwd: ROOT, stdio: 'ignore', env: { ...process.env, CI: 'true' } },
    );
    const exited = new Promise<void>((r) => child.on('exit', () => r()));
    const jsonl = join(dir, 'findings.jsonl');
    const deadline = Date.now() + 60_000;
    while (
      !(existsSync(jsonl) && readFileSync(jsonl, 'utf8').split('\n').filter(Boolean).length >= 2) &&
      Date.now() < deadline
    ) {
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGINT');
    await exited;
    const lines = readFileSync(jsonl, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as JsonFinding);
    expect(lines.map((f) => f.kind).sort()).toEqual(['circular-dependency', 'deadlock']);
    // the recorded tokens replay the findings
    for (const f of lines) {
      const r = cli(['replay', 'exercises/abba.ts', f.replay]);
      expect(r.status).toBe(1);
      expect(r.stdout).toContain(f.title);
    }
    const state = JSON.parse(readFileSync(join(dir, 'campaign.json'), 'utf8'));
    expect(state.next).toBeLessThan(100000000);
  });

  it('--resume carries on from the next trial: stopped by a time budget and resumed, it equals one whole run', () => {
    const scenario = 'exercises/lost-update/buggy.ts';
    const dir = join(tmp(), 'campaign');
    const first = cli(['run', scenario, '--trials', '10000', '--time-budget', '300ms', '--out', dir, '--json']);
    expect(first.stderr).toBe('');
    const stopped = JSON.parse(readFileSync(join(dir, 'campaign.json'), 'utf8'));
    expect(stopped.next).toBeGreaterThan(0);
    expect(stopped.next).toBeLessThan(10000);
    expect(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')).trials).toBe(stopped.next);
    const resumed = cli(['run', scenario, '--resume', dir, '--json']);
    expect(resumed.stderr).toBe('');
    const done = JSON.parse(resumed.stdout) as JsonRun;
    expect(done.trials).toBe(10000);
    expect(JSON.parse(readFileSync(join(dir, 'campaign.json'), 'utf8')).next).toBe(10000);
    const whole = runJson(['run', scenario, '--trials', '10000', '--json']);
    expect(bySignature(done)).toEqual(bySignature(whole));
    for (const f of done.findings) expect(f.report).toContain(`replay: smpsim replay ${scenario} ${f.replay}`);
    // each finding recorded once across both runs
    const sigs = readFileSync(join(dir, 'findings.jsonl'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as JsonFinding).signature);
    expect(new Set(sigs).size).toBe(sigs.length);
    // a finished campaign resumed again runs nothing more
    expect((JSON.parse(cli(['run', scenario, '--resume', dir, '--json']).stdout) as JsonRun).trials).toBe(10000);
    // --out on a folder that holds a campaign does not mix two campaigns
    const again = cli(['run', scenario, '--out', dir]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already holds a campaign: continue it with --resume/);
  });
});
