/**
 * `npm run bench`: one JSON object per line, each figure next to a raw baseline measured in
 * the same run: {"name","value","baseline","ratio","unit","target"}.
 */
import { fileURLToPath } from 'node:url';
import { explore, shutdown } from '../src/index.ts';
import { rawRingSwitchesPerSec } from './raw-ring.ts';
import { fcSchedulerRunsPerSec } from './fc-scheduler.ts';
import { cpuPool, shutdownMachines } from '../src/machine/machine.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));

function line(name: string, value: number, baseline: number | null, unit: string, target: string): void {
  const ratio = baseline ? value / baseline : null;
  const round = (x: number) => Math.round(x * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({ name, value: round(value), baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio), unit, target })}\n`,
  );
}

async function p6(): Promise<void> {
  await shutdownMachines();
  const t0 = performance.now();
  await cpuPool(8);
  await explore(here('./scenarios/idle8.ts'), { trials: 1, reports: false });
  line('P6 8-CPU machine warm', performance.now() - t0, null, 'ms', 'first trial done on 8 fresh CPU workers');
}

async function p1(): Promise<void> {
  const path = here('./scenarios/contend4.ts');
  await explore(path, { trials: 1, reports: false }); // warm
  const t0 = performance.now();
  const r = await explore(path, { trials: 6, reports: false });
  const ours = r.switches / ((performance.now() - t0) / 1000);
  const raw = await rawRingSwitchesPerSec(4, 100_000);
  line('P1 context switches, 4 CPUs contending', ours, raw, 'switches/s', 'ratio >= 0.7 (vs raw 4-thread Atomics baton ring)');
}

async function p2(): Promise<void> {
  const path = here('./scenarios/lost-update.ts');
  await explore(path, { trials: 500, reports: false }); // warm
  const trials = 20_000;
  const t0 = performance.now();
  await explore(path, { trials, reports: false });
  const ours = trials / ((performance.now() - t0) / 1000);
  const fcRate = await fcSchedulerRunsPerSec(2000);
  line('P2 trials, 2-CPU lost update', ours, fcRate, 'trials/s', 'ratio >= 2 (vs fast-check fc.scheduler() runs/s)');
}

/** Detector throughput, and the cost of all detectors inside a run (P4). */
async function extra(): Promise<void> {
  const { benchLockdep } = await import('../src/check/lockdep/bench-lockdep.ts');
  line('lockdep events', benchLockdep().eventsPerSec, null, 'events/s', '>= 1,000,000');
  const { benchRaces } = await import('../src/check/races/bench-races.ts');
  line('race detector events', benchRaces(), null, 'events/s', 'constant time per access (FastTrack epochs)');
  const path = here('./scenarios/contend4.ts');
  const t = async (detectors: boolean) => {
    const t0 = performance.now();
    await explore(here('./scenarios/lost-update.ts'), { trials: 10_000, reports: false, detectors });
    await explore(path, { trials: 3, reports: false, detectors });
    return performance.now() - t0;
  };
  await t(true);
  const off = await t(false);
  const on = await t(true);
  line('P4 detectors on / off', on, off, 'ms', 'ratio <= 1.5');
}

async function p3(): Promise<void> {
  const { stress } = await import('../src/index.ts');
  const { stressSpinBench } = await import('../src/machine/stress-bench.ts');
  const { PAIRS } = await import('./scenarios/stress-spin.ts');
  const r = await stressSpinBench(stress, here('./scenarios/stress-spin.ts'), PAIRS, 2);
  line('P3 stress-mode spin_lock/spin_unlock pairs, 2 CPUs', r.value, r.baseline, 'pairs/s', 'ratio >= 0.33 (vs raw Atomics.compareExchange spinlock)');
}

await p6();
await p1();
await p2();
await p3();
await extra();
await shutdown();
