/**
 * `smpsim step` as a user drives it (the real CLI, scripted stdin) and openMachine() as a
 * program drives it: the fewest steps to ABBA's deadlock print the same reports and token as
 * `smpsim replay` of that token; `u` returns to the same state; `--choices` reproduces a run.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { openMachine, shutdown } from '../src/index.ts';
import { cli, ROOT } from './helpers.ts';
import { decodeToken, encodeToken, segment } from '../src/sched/token.ts';

const ABBA = 'exercises/abba.ts';

afterAll(() => shutdown());

function step(args: string[], stdin: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'smpsim.mjs'), 'step', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    input: stdin,
    timeout: 120_000,
    env: { ...process.env, CI: 'true' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The state blocks the CLI printed, from "step N" to its options or end line. */
function states(stdout: string): string[] {
  const out: string[][] = [];
  for (const line of stdout.split('\n')) {
    if (/^step \d+ /.test(line)) out.push([line]);
    else if (out.length && /^(CPU\d| {5}|options:| {2}\d+: |the trial has ended)/.test(line))
      out[out.length - 1]!.push(line);
  }
  return out.map((lines) => lines.join('\n'));
}

/** Report blocks: from a title line to its replay line. */
function reports(stdout: string): string[] {
  return [...stdout.matchAll(/^(?:WARNING|BUG|check failed|=+\nBUG)[\s\S]*?^replay: .*$/gm)].map((m) => m[0]);
}

/** The shortest choice list after which ABBA's trial has deadlocked, breadth first. */
async function shortestDeadlock(): Promise<number[]> {
  const m = await openMachine(ABBA);
  try {
    let frontier: number[][] = [[]];
    for (let depth = 0; depth <= 8; depth++) {
      const next: number[][] = [];
      for (const prefix of frontier) {
        const s = (await m.start(prefix)).snapshot;
        if (s.ended?.startsWith('deadlock')) return prefix;
        for (const o of s.options) next.push([...prefix, o.index]);
      }
      frontier = next;
    }
    throw new Error('no deadlock within 8 steps');
  } finally {
    await m.close();
  }
}

describe('smpsim step', () => {
  it('scripted stdin reaches the ABBA deadlock in the fewest steps, with the reports and token replay prints', async () => {
    const shortest = await shortestDeadlock();
    const r = step([ABBA], shortest.map((c) => `${c}\n`).join(''));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('the trial has ended: deadlock');
    const token = /token (v2:step:\S+): 2 findings/.exec(r.stdout)?.[1];
    expect(token).toBe(encodeToken({ strategy: 'step', seed: 0, cpus: 2 }, [segment(0, shortest)]));
    const mine = reports(r.stdout);
    expect(mine.map((x) => x.split('\n')[0])).toEqual([
      'WARNING: deadlock: no CPU can make progress',
      'WARNING: possible circular locking dependency detected',
    ]);
    for (const x of mine) expect(x).toMatch(new RegExp(`replay: smpsim replay ${ABBA} ${token}$`));
    const replayed = cli(['replay', ABBA, token!]);
    expect(replayed.status).toBe(1);
    expect(reports(replayed.stdout)).toEqual(mine);
  }, 180_000); // the breadth-first search replays some 40 prefixes

  it("shows each CPU's next call with its call site, the held locks and the options", () => {
    const r = step([ABBA, '--choices', '1'], 'q\n');
    expect(r.status).toBe(0);
    const [first] = states(r.stdout);
    expect(first).toMatch(/^CPU0 cpu0\/1001 +task +preempt_count 0x00000000 +irqs on +held: -$/m);
    expect(first).toContain('next: spin_lock(a)  at exercises/abba.ts:12');
    expect(first).toContain('next: spin_lock(b)  at exercises/abba.ts:21');
    expect(first).toMatch(/^ {2}0: run CPU1 cpu1\/1002 \(goes on\)$/m);
  });

  it('u returns to the previous state, t prints the token', () => {
    const r = step([ABBA], '1\n0\n1\nu\nt\nq\n');
    expect(r.status).toBe(0);
    const s = states(r.stdout);
    // start, after 1, after 0, after 1, after u
    expect(s).toHaveLength(5);
    expect(s[4]).toBe(s[2]);
    expect(r.stdout).toContain(`token: ${encodeToken({ strategy: 'step', seed: 0, cpus: 2 }, [segment(0, [1, 0])])}\n`);
  });

  it('--choices reproduces a run: the same deadlock report as run printed', () => {
    const run = cli(['run', ABBA, '--trials', '200']);
    const deadlock = reports(run.stdout).find((x) => x.startsWith('WARNING: deadlock'))!;
    const choices = decodeToken(/(v2:random:\S+)$/.exec(deadlock)![1]!).trials[0]!.choices;
    const r = step([ABBA, '--choices', choices.join(',')], '');
    expect(r.status).toBe(1);
    const mine = reports(r.stdout).find((x) => x.startsWith('WARNING: deadlock'))!;
    const body = (x: string): string => x.slice(0, x.lastIndexOf('replay: '));
    expect(body(mine)).toBe(body(deadlock));
  });

  it('a data race is printed as soon as both accesses happened, as replay prints it', () => {
    const race = 'exercises/lost-update/buggy.ts';
    const r = step([race], '1\n0\n1\n0\n1\nq\n');
    expect(r.status).toBe(1);
    const at = r.stdout.indexOf('BUG: KCSAN: data-race in count / count');
    expect(at).toBeGreaterThan(r.stdout.indexOf('step 4 '));
    expect(at).toBeLessThan(r.stdout.indexOf('step 5 '));
    expect(r.stdout.match(/BUG: KCSAN/g)).toHaveLength(1);
    const mine = reports(r.stdout)[0]!;
    const token = /replay: smpsim replay \S+ (\S+)$/.exec(mine)![1]!;
    expect(reports(cli(['replay', race, token]).stdout)).toContain(mine);
  });

  it('a choice out of range is refused; a malformed --choices is a one-line error', () => {
    const r = step([ABBA], '7\nq\n');
    expect(r.stdout).toContain('"7" is not an option (0-1)');
    const bad = step([ABBA, '--choices', '1,x'], '');
    expect(bad.status).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('exercises NAME --step starts the buggy variant with the hint', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'smpsim.mjs'), 'exercises', 'abba', '--step'], {
      cwd: ROOT,
      encoding: 'utf8',
      input: 'q\n',
      timeout: 60_000,
    });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(
      'You are the scheduler of exercises/abba.ts: find the interleaving that breaks it (deadlock, circular-dependency).',
    );
    expect(states(r.stdout)[0]).toMatch(/^step 0 /);
  });
});
