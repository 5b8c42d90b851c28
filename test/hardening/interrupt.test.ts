import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers.ts';

interface Ended {
  status: number | null;
  stdout: string;
  stderr: string;
  ms: number;
}

/**
 * Start the real CLI and send it `signal` once it is under way: when its stderr matches `ready`
 * (a progress line naming what it found), or else `afterMs` after it started.
 */
function interrupted(
  args: string[],
  signal: NodeJS.Signals,
  when: { ready?: RegExp; afterMs?: number },
): Promise<Ended> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin', 'smpsim.mjs'), ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    });
    let stdout = '';
    let stderr = '';
    const sent = { at: 0 };
    const send = (): void => {
      if (sent.at) return;
      sent.at = Date.now();
      child.kill(signal);
    };
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      if (when.ready?.test(stderr)) send();
    });
    const timer = when.afterMs === undefined ? undefined : setTimeout(send, when.afterMs);
    const guard = setTimeout(() => child.kill('SIGKILL'), 120_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      clearTimeout(guard);
      resolve({ status, stdout, stderr, ms: Date.now() - sent.at });
    });
  });
}

/** A run's progress line once it has found the deadlock (printed every few seconds off a terminal). */
const FOUND_DEADLOCK = /trials, found so far: .*deadlock/;

describe('an interrupted run prints what it found', () => {
  it('SIGINT mid-run under --json: valid JSON with interrupted: true and the findings, exit 1', async () => {
    // --json prints no progress: give the run time to find the deadlock
    const r = await interrupted(['run', 'exercises/abba.ts', '--trials', '100000000', '--json'], 'SIGINT', {
      afterMs: 8000,
    });
    const out = JSON.parse(r.stdout) as {
      interrupted?: boolean;
      trials: number;
      findings: { kind: string; replay: string }[];
    };
    expect(out.interrupted).toBe(true);
    expect(out.trials).toBeGreaterThan(0);
    expect(out.trials).toBeLessThan(100000000);
    expect(out.findings.map((f) => f.kind)).toContain('deadlock');
    expect(out.findings.every((f) => f.replay.startsWith('v2:'))).toBe(true);
    expect(r.status).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('SIGTERM mid-run: the reports so far and a summary that says interrupted, exit 1', async () => {
    const r = await interrupted(['run', 'exercises/abba.ts', '--trials', '100000000'], 'SIGTERM', {
      ready: FOUND_DEADLOCK,
    });
    expect(r.stdout).toContain('replay: smpsim replay exercises/abba.ts v2:');
    expect(r.stdout).toMatch(
      /smpsim: exercises\/abba.ts: \d+ trials \(random, seed 1\), interrupted: \d+ findings? \(.*deadlock.*\)\n$/,
    );
    expect(r.status).toBe(1);
  });

  it('stress: SIGINT prints the findings so far as JSON, exit 1', async () => {
    const r = await interrupted(
      ['stress', 'exercises/abba.ts', '--seconds', '600', '--lockup-ms', '500', '--json'],
      'SIGINT',
      { afterMs: 8000 },
    );
    const out = JSON.parse(r.stdout) as { interrupted?: boolean; findings: { kind: string }[] };
    expect(out.interrupted).toBe(true);
    expect(out.findings.length).toBeGreaterThan(0);
    expect(r.status).toBe(1);
    expect(r.ms).toBeLessThan(10_000);
  });
});
