/**
 * `npm run bench`: one JSON object per line, each figure next to a raw baseline measured in
 * the same run: {"name","value","baseline","ratio","unit","target"}. P2 is measured on the
 * user's path (bench/user-path.ts); raw figures with detectors off are labelled secondary.
 */
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { explore, shutdown, stress } from '../src/index.ts';
import { rawRingSwitchesPerSec } from './raw-ring.ts';
import { fcSchedulerRunsPerSec } from './fc-scheduler.ts';
import { cpuPool, shutdownMachines } from '../src/machine/machine.ts';
import { rawSpinPairsPerSec, stressSpinBench } from './stress-spin.ts';
import { benchLockdep } from './lockdep.ts';
import { benchRaces } from './races.ts';
import { PAIRS } from './scenarios/stress-spin.ts';
import { cliRunRate, coldStartMs, inInstalledCopy } from './cold-start.ts';
import { exploreRate, fcColdRunsPerSec, USER_PATH_TRIALS, userPathScenario } from './user-path.ts';
import { withBusyProcess } from './busy-process.ts';
import { defaultJobs } from '../src/run/jobs.ts';
import type { ExploreOptions } from '../src/index.ts';
import { benchDpor } from './dpor.ts';
import { benchWeakMemory } from './weak-memory.ts';

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
async function bestOf(
  ours: () => Promise<number>,
  base: () => Promise<number>,
  higherIsBetter = true,
): Promise<[number, number]> {
  const pick = (a: number, b: number) => (higherIsBetter ? Math.max(a, b) : Math.min(a, b));
  let o = higherIsBetter ? -Infinity : Infinity;
  let b = o;
  for (let i = 0; i < ROUNDS; i++) {
    o = pick(o, await ours());
    b = pick(b, await base());
  }
  return [o, b];
}

/** The best of ROUNDS measurements of one figure (higher is better), from a settled process. */
async function best(measure: () => Promise<number>): Promise<number> {
  await settle();
  let b = -Infinity;
  for (let i = 0; i < ROUNDS; i++) b = Math.max(b, await measure());
  return b;
}

setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;
/**
 * Collect the garbage the phase before left, and give V8's helper threads time to finish with
 * it: on 2 cores, a collection of fast-check's heap running beside our next phase took up to a
 * quarter off its rate (and ours off fast-check's).
 */
async function settle(): Promise<void> {
  collect();
  await new Promise((r) => setTimeout(r, 300));
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
  line(
    'P1 context switches, 4 CPUs contending',
    ours,
    raw,
    'switches/s',
    'ratio >= 0.7 (vs raw 4-thread Atomics baton ring)',
  );
}

/**
 * Runs of USER_PATH_TRIALS before a P2 measurement: machines started, scenario bundled, and
 * V8's compilers done with the hot paths. From a cold start the buggy lost update's
 * 10,000-trial runs measured 19k-23k, 34k-42k, 38k-55k trials/s, and a steady 42k-61k only
 * after about 30,000 trials. Warming up in runs of the measured size matters: after one
 * 40,000-trial run the next three measured 30k-35k, 42k-55k, 50k-67k; after four runs of
 * 10,000, 70k-76k at once.
 */
const P2_WARM_RUNS = 4;

/** P2 on the user's path, buggy and fixed, each next to fast-check warmed and cold. */
async function p2(cliBuggy: number): Promise<number> {
  await fcSchedulerRunsPerSec(500); // warm (JIT)
  let buggyRate = 0;
  for (const v of ['buggy', 'fixed'] as const) {
    const path = userPathScenario(v);
    for (let i = 0; i < P2_WARM_RUNS; i++) await exploreRate(path);
    // each side in a phase of its own: fast-check's garbage, collected by V8's helper threads
    // while our run goes on, took a fifth off our rate when the two alternated (users run no
    // fast-check between their trials)
    const fcWarm = await best(() => fcSchedulerRunsPerSec(2000, v));
    const ours = await best(() => exploreRate(path));
    const fcCold = Math.max(fcColdRunsPerSec(2000, v), fcColdRunsPerSec(2000, v));
    const jobs1 = await best(() => exploreRate(path, { jobs: 1 }));
    const what = `P2 user path: explore() defaults (detectors, reports, --jobs ${defaultJobs(USER_PATH_TRIALS, 2)}), ${v} lost update`;
    line(
      `${what} ÷ fast-check warmed`,
      ours,
      fcWarm,
      'trials/s',
      'ratio >= 1.0 (fc.scheduler() runs/s, same process, after warm-up)',
    );
    line(
      `${what} ÷ fast-check cold`,
      ours,
      fcCold,
      'trials/s',
      'ratio >= 4 (fc.scheduler() over its first 2000 runs in a fresh process)',
    );
    line(
      `P2 user path, ${v} lost update, --jobs 1 ÷ fast-check warmed`,
      jobs1,
      fcWarm,
      'trials/s',
      'secondary: one machine',
    );
    if (v !== 'buggy') continue;
    buggyRate = ours;
    line(
      `P2 CLI cold: smpsim run --trials ${CLI_TRIALS}, whole process, buggy lost update ÷ fast-check cold`,
      cliBuggy,
      fcCold,
      'trials/s',
      "secondary: a fresh process's first run, Node, CPU threads and V8 warm-up included",
    );
  }
  for (const strategy of ['random', 'pct'] as const) {
    const path = here('./scenarios/lost-update.ts');
    const raw: ExploreOptions = { trials: 20_000, reports: false, detectors: false, strategy, jobs: 1 };
    await explore(path, { ...raw, trials: 500 }); // warm
    const [ours, fcRate] = await bestOf(
      () => exploreRate(path, raw, 20_000),
      () => fcSchedulerRunsPerSec(2000),
    );
    line(
      `P2 raw (secondary: detectors and reports off, --jobs 1), 2-CPU lost update (${strategy})`,
      ours,
      fcRate,
      'trials/s',
      'secondary, not what users run (vs fc.scheduler() warmed)',
    );
  }
  return buggyRate;
}

/** The user-path P2 again while a busy-loop process takes a core, as a ratio to unloaded. */
async function loaded(unloaded: number): Promise<void> {
  const path = userPathScenario('buggy');
  const [busy, perTrial, ring] = await withBusyProcess(async () => {
    const rate = await best(() => exploreRate(path));
    const r = await explore(path, { trials: 2000 });
    return [rate, r.switches / r.trials, await rawRingSwitchesPerSec(2, 100_000)] as const;
  });
  line(
    'P2 user path loaded (one busy-loop process) ÷ unloaded, buggy lost update',
    busy,
    unloaded,
    'trials/s',
    'ratio >= 0.5',
  );
  // where the loaded time goes: no thread may spin, so each hand-off is a futex wake-up
  line(
    'P2 loaded account: hand-offs/s of the loaded run ÷ a raw 2-thread Atomics ring under the same load',
    busy * perTrial,
    ring,
    'hand-offs/s',
    'how near the loaded run is to the futex hand-off floor',
  );
  // a trial of the buggy lost update hands the baton on about 7 times, whatever the machine
  // does between hand-offs: the raw ring's rate over that is the loaded run's ceiling
  line(
    `P2 loaded ceiling: raw ring under the same load ÷ ${perTrial.toFixed(2)} hand-offs per trial, ÷ unloaded`,
    ring / perTrial,
    unloaded,
    'trials/s',
    'the most any baton hand-off over futex wake-ups reaches loaded: the loaded target is within reach only above 0.5',
  );
}

async function p3(): Promise<void> {
  const r = await stressSpinBench(stress, here('./scenarios/stress-spin.ts'), PAIRS, 2);
  line(
    'P3 stress-mode spin_lock/spin_unlock pairs, 2 CPUs',
    r.value,
    r.baseline,
    'pairs/s',
    'ratio >= 0.33 (vs raw Atomics.compareExchange spinlock)',
  );
  // where the time goes: the raw loop with only the shared event-sequence word added
  line(
    'P3 account: raw spinlock + two shared Atomics.add per pair ÷ raw',
    await rawSpinPairsPerSec(2_000_000, true),
    r.baseline,
    'pairs/s',
    'the ceiling one shared sequence word puts on P3',
  );
}

/** Detector throughput, and the cost of all detectors inside a run (P4). */
async function detectors(): Promise<void> {
  line('lockdep events', benchLockdep().eventsPerSec, null, 'events/s', '>= 1,000,000');
  line('race detector events', benchRaces(), null, 'events/s', 'constant time per access (FastTrack epochs)');
  // racy: an assertion and a data race in most trials; one machine, so only the detectors differ
  const racy = userPathScenario('buggy');
  const run = (on: boolean) => async () => 1000 / (await exploreRate(racy, { detectors: on, jobs: 1 }));
  await run(true)();
  const [on, off] = await bestOf(run(true), run(false), false);
  line(
    'P4 detectors on / off, racy lost update (reports on, --jobs 1)',
    on * 1000,
    off * 1000,
    'ms per 1000 trials',
    'ratio <= 1.5',
  );
}

const CLI_TRIALS = 10_000;

/** Figures of the installed package's CLI: its cold start, and a whole short run (for P2). */
function installedCli(): number {
  const [[ours, node], cliBuggy] = inInstalledCopy((pkg) => [
    coldStartMs(pkg, 'exercises/abba-fixed.ts'),
    cliRunRate(pkg, userPathScenario('buggy'), CLI_TRIALS),
  ]);
  line(
    'cold start: smpsim run, 1 trial, installed package (whole process, median of 5)',
    ours,
    node,
    'ms',
    'value <= 500 (baseline: node -e 0)',
  );
  return cliBuggy;
}

const cliBuggy = installedCli();
await p6();
await p1();
const userPath = await p2(cliBuggy);
await loaded(userPath);
await p3();
await detectors();
await benchDpor(line, here, bestOf);
await benchWeakMemory(line, here, bestOf);
await shutdown();
