/**
 * `npm run bench`: one JSON object per line, each figure next to a raw baseline measured in
 * the same run: {"name","value","baseline","ratio","unit","target"}.
 */
import { fileURLToPath } from 'node:url';
import { explore, shutdown, stress } from '../src/index.ts';
import { rawRingSwitchesPerSec } from './raw-ring.ts';
import { fcSchedulerRunsPerSec } from './fc-scheduler.ts';
import { cpuPool, shutdownMachines } from '../src/machine/machine.ts';
import { stressSpinBench } from './stress-spin.ts';
import { benchLockdep } from './lockdep.ts';
import { benchRaces } from './races.ts';
import { PAIRS } from './scenarios/stress-spin.ts';
import { coldStartMs } from './cold-start.ts';
import { benchDpor } from './dpor.ts';

const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const ROUNDS = 3;

function line(name: string, value: number, baseline: number | null, unit: string, target: string): void {
  const ratio = baseline ? value / baseline : null;
  const round = (x: number) => Math.round(x * 100) / 100;
  process.stdout.write(
    `${JSON.stringify({ name, value: round(value), baseline: baseline === null ? null : round(baseline), ratio: ratio === null ? null : round(ratio), unit, target })}\n`,
  );
}

/**
 * Measure a figure and its baseline ROUNDS times, alternating, and keep the best of each: on a
 * 2-core machine shared with the OS single measurements swing by tens of percent.
 */
async function bestOf(ours: () => Promise<number>, base: () => Promise<number>, higherIsBetter = true): Promise<[number, number]> {
  const pick = (a: number, b: number) => (higherIsBetter ? Math.max(a, b) : Math.min(a, b));
  let o = higherIsBetter ? -Infinity : Infinity;
  let b = o;
  for (let i = 0; i < ROUNDS; i++) {
    o = pick(o, await ours());
    b = pick(b, await base());
  }
  return [o, b];
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
  const [ours, raw] = await bestOf(
    async () => {
      const t0 = performance.now();
      const r = await explore(path, { trials: 4, reports: false });
      return r.switches / ((performance.now() - t0) / 1000);
    },
    () => rawRingSwitchesPerSec(4, 100_000),
  );
  line('P1 context switches, 4 CPUs contending', ours, raw, 'switches/s', 'ratio >= 0.7 (vs raw 4-thread Atomics baton ring)');
}

async function p2(): Promise<void> {
  const path = here('./scenarios/lost-update.ts');
  await fcSchedulerRunsPerSec(500); // warm (JIT)
  const trials = 20_000;
  for (const strategy of ['random', 'pct'] as const) {
    await explore(path, { trials: 500, reports: false, strategy }); // warm
    const [ours, fcRate] = await bestOf(
      async () => {
        const t0 = performance.now();
        await explore(path, { trials, reports: false, strategy });
        return trials / ((performance.now() - t0) / 1000);
      },
      () => fcSchedulerRunsPerSec(2000),
    );
    line(`P2 trials, 2-CPU lost update (${strategy})`, ours, fcRate, 'trials/s', 'ratio >= 2 (vs fast-check fc.scheduler() runs/s)');
  }
}

async function p3(): Promise<void> {
  const r = await stressSpinBench(stress, here('./scenarios/stress-spin.ts'), PAIRS, 2);
  line('P3 stress-mode spin_lock/spin_unlock pairs, 2 CPUs', r.value, r.baseline, 'pairs/s', 'ratio >= 0.33 (vs raw Atomics.compareExchange spinlock)');
}

/** Detector throughput, and the cost of all detectors inside a run (P4). */
async function detectors(): Promise<void> {
  line('lockdep events', benchLockdep().eventsPerSec, null, 'events/s', '>= 1,000,000');
  line('race detector events', benchRaces(), null, 'events/s', 'constant time per access (FastTrack epochs)');
  const run = (on: boolean) => async () => {
    const t0 = performance.now();
    await explore(here('./scenarios/lost-update.ts'), { trials: 10_000, reports: false, detectors: on });
    await explore(here('./scenarios/contend4.ts'), { trials: 3, reports: false, detectors: on });
    return performance.now() - t0;
  };
  await run(true)();
  const [on, off] = await bestOf(run(true), run(false), false);
  line('P4 detectors on / off', on, off, 'ms', 'ratio <= 1.5');
}

function coldStart(): void {
  const [ours, node] = coldStartMs('exercises/abba-fixed.ts');
  line('cold start: smpsim run, 1 trial (whole process, median of 5)', ours, node, 'ms', 'value <= 500 (baseline: node -e 0)');
}

coldStart();
await p6();
await p1();
await p2();
await p3();
await detectors();
await benchDpor(line, here, bestOf);
await shutdown();
