/**
 * The main thread's side of a stress batch: every CPU worker runs at once, and a watchdog reads
 * each CPU's progress counter (events emitted, monotonic over the batch). A CPU that is running
 * something (a context on its stack) and makes no progress for `lockupMs` is locked up: the
 * watchdog takes the machine's wait-for state (who holds what, who spins on what) and the event
 * log, stops the batch, and terminates the workers that do not stop by themselves (a loop with
 * no kernel call never looks at the stop word); piscina replaces them.
 */
import { C, H, type Layout } from './layout.ts';
import { CLOSER } from './runtime.ts';
import type { Piscina } from 'piscina';
import { EventLog } from './events.ts';
import { HOST, hostLoad } from './host-load.ts';
import { deathMessage, findingsChannel, withCpuPool, type AgentSlot, type CloserMessage } from './machine.ts';
import { snapshotAgent, type CpuSnapshot } from './trial-info.ts';
import type { BatchPlan } from './trial-loop.ts';
import { progressWord, SC, stressControlWords, type StressPlan } from './stress-control.ts';

const TICK_MS = 25;
/** how long stopped workers get to leave their batch before they are terminated */
const GRACE_MS = 300;

/** One stress batch: as BatchRequest (machine.ts), each agent's task also carries the stress plan. */
export interface StressBatchRequest<T, M extends CloserMessage> {
  layout: Layout;
  plan: BatchPlan;
  deadline: number;
  seed: number;
  lockupMs: number;
  task(slot: AgentSlot & { stress: StressPlan }): T;
  onFinding(msg: M): void;
  /** stops the batch where it is */
  signal?: AbortSignal;
}

/** A CPU as the watchdog found it: its snapshot, its progress, whether it is stuck. */
export interface CpuWaitState extends CpuSnapshot {
  /** events since the batch began; unchanged for the lockup time when stuck */
  progress: number;
  stuck: boolean;
}

export interface Lockup {
  stuckMs: number;
  cpus: CpuWaitState[];
  /** the stuck trial's events as far as they were written */
  events: EventLog;
  trial: number;
}

export interface StressOutcome<R> {
  result: R | null;
  trialsDone: number;
  lockup?: Lockup;
  crash?: string;
}

function readCpu(m: Int32Array, ctl: Int32Array, L: Layout, c: number, stuck: boolean): CpuWaitState {
  return { ...snapshotAgent(m, L, c), progress: Atomics.load(ctl, progressWord(c)), stuck };
}

export function runStressBatchOnMachine<T, M extends CloserMessage, R>(
  req: StressBatchRequest<T, M>,
): Promise<StressOutcome<R>> {
  return withCpuPool(req.layout.ncpus, (pool) => runStressBatch<T, M, R>(req, pool));
}

async function runStressBatch<T, M extends CloserMessage, R>(
  req: StressBatchRequest<T, M>,
  pool: Piscina,
): Promise<StressOutcome<R>> {
  const L = req.layout;
  const sab = new SharedArrayBuffer(L.totalBytes);
  const m = new Int32Array(sab, 0, L.totalWords);
  const ctlBuf = new SharedArrayBuffer(4 * stressControlWords(L.ncpus));
  const ctl = new Int32Array(ctlBuf);
  const channel = findingsChannel(req.onFinding);
  const port2 = channel.port;
  const { deadline, seed, lockupMs, signal } = req;
  const stress: StressPlan = { ctl: ctlBuf, deadline, seed };
  const aborts = Array.from({ length: L.ncpus }, () => new AbortController());
  const done = new Array<boolean>(L.ncpus).fill(false);
  const outcome: StressOutcome<R> = { result: null, trialsDone: 0 };
  const stopAll = (): void => {
    Atomics.store(m, H.STOP, 1);
    Atomics.notify(m, H.TRIAL);
    Atomics.notify(m, H.TSTATE);
    Atomics.notify(ctl, SC.PARKED);
  };

  // stress CPUs all run at once: controlled machines beside them must not spin
  Atomics.add(hostLoad, HOST.THREADS, L.ncpus);
  const runs = aborts.map((ac, cpu) => {
    const task = req.task({ sab, cpu, port: cpu === 0 ? port2 : undefined, stress, hostLoad });
    return pool.run(task, { signal: ac.signal, transferList: cpu === 0 ? [port2 as never] : [] }).then(
      (r: R | null) => {
        done[cpu] = true;
        if (cpu === 0) outcome.result = r;
      },
      (e: unknown) => {
        done[cpu] = true;
        if (!outcome.lockup && !outcome.crash) outcome.crash = `CPU ${cpu}: ${deathMessage(e)}`;
        stopAll();
      },
    );
  });

  const last = new Array<number>(L.ncpus).fill(-1);
  const since = new Array<number>(L.ncpus).fill(Date.now());
  let stoppedAt = 0;
  // every CPU parked and still no trial closes: the closer is stuck outside any task, in
  // check() or a detector, where no progress counter moves
  let closed = -1;
  let closedSince = Date.now();
  const closerStuck = (now: number): void => {
    const done = Atomics.load(m, H.TRIALS_DONE);
    if (done !== closed || Atomics.load(ctl, SC.PARKED) < L.ncpus) {
      closed = done;
      closedSince = now;
      return;
    }
    if (now - closedSince < lockupMs) return;
    outcome.crash = `CPU ${CLOSER}: closing the trial (check() or a detector) did not return within ${lockupMs} ms`;
    stoppedAt = now;
    stopAll();
  };
  const watchdog = setInterval(() => {
    const now = Date.now();
    if (stoppedAt) {
      if (now - stoppedAt >= GRACE_MS)
        aborts.forEach((ac, c) => done[c] || ac.abort(new Error('soft lockup: worker terminated')));
      return;
    }
    const stuck: boolean[] = [];
    for (let c = 0; c < L.ncpus; c++) {
      const p = Atomics.load(ctl, progressWord(c));
      const busy = Atomics.load(m, L.agentBlock(c) + C.NCTX) > 0;
      if (p !== last[c] || !busy || p === 0) {
        last[c] = p;
        since[c] = now;
      }
      stuck.push(busy && p > 0 && now - since[c]! >= lockupMs);
    }
    if (!stuck.some(Boolean)) {
      closerStuck(now);
      return;
    }
    const n = Math.min(Atomics.load(ctl, SC.SEQ), L.limits.maxEvents);
    outcome.lockup = {
      stuckMs: Math.max(...since.map((s, c) => (stuck[c] ? now - s : 0))),
      cpus: stuck.map((s, c) => readCpu(m, ctl, L, c, s)),
      events: new EventLog(m.subarray(L.eventBase), n).copy(),
      trial: req.plan.firstTrial + Atomics.load(m, H.TRIALS_DONE),
    };
    stoppedAt = now;
    stopAll();
  }, TICK_MS);

  if (signal?.aborted) stopAll();
  signal?.addEventListener('abort', stopAll, { once: true });

  await Promise.all(runs);
  Atomics.sub(hostLoad, HOST.THREADS, L.ncpus);
  signal?.removeEventListener('abort', stopAll);
  clearInterval(watchdog);
  await channel.drained(outcome.result !== null);
  outcome.trialsDone = Atomics.load(m, H.TRIALS_DONE);
  return outcome;
}
