/**
 * The main thread's side of the machine: a warm pool of CPU worker threads per machine size
 * (piscina owns their lifecycle: start, replace a crashed or terminated one, shut down), and
 * one batch of trials run on them with a watchdog.
 *
 * The watchdog reads the progress word every few milliseconds. When it stops moving for
 * `hangMs`, the CPU holding the baton is running scenario code that never reaches a
 * scheduling point: its worker is terminated (piscina replaces it), the others are told to
 * stop, and the caller gets the stuck trial's schedule so it can report it and go on.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { C, H, type Layout } from './layout.ts';
import type { BatchPlan } from './trial-loop.ts';
import { segment } from '../sched/token.ts';
import { workerEntry } from './worker-entry.ts';
import { cpuWorkerExecArgv } from './cpu-thread-flags.ts';
import { stopAgents } from './baton.ts';
import { HOST, hostLoad, sampleHostLoad } from './host-load.ts';
import { type LastCall, lastCallOf } from './last-call.ts';
import { WORKER_HEAP_MB, WORKER_OUT_OF_MEMORY } from './worker-limits.ts';
import { dropBuffers, giveBackBuffer, takeBuffer } from './machine-buffers.ts';
import { loadTracking, threadsLoaded } from './worker-loads.ts';

const WATCHDOG_TICK_MS = 20;
/** Longest wait at shutdown for CPU threads still loading their modules. */
const WORKER_LOAD_WAIT_MS = 10_000;
/** A CPU worker that has not started a batch after this long never will (its bundle is gone …). */
const WORKER_START_MS = 60_000;

/** What a worker's death says in its finding. */
export function deathMessage(e: unknown): string {
  if ((e as { code?: string } | null)?.code === 'ERR_WORKER_OUT_OF_MEMORY') return WORKER_OUT_OF_MEMORY;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Warm pools by machine: `n` agents, and which of the process's machines of that size (a run
 * with --jobs N uses machines 0 … N-1 at once). One map for the whole process, so concurrent
 * runs, checkScenario() calls and test files share the same machines.
 */
const pools = new Map<string, Promise<Piscina>>();
/** The last batch queued on each pool: a batch runs once the one before it has ended. */
const turns = new Map<string, Promise<void>>();
const poolKey = (n: number, machine: number): string => `${n}:${machine}`;
/** Bumped by shutdownMachines(): a batch that started under an older generation was shut down. */
let generation = 0;

/** The batch's machine was shut down under it (shutdown() during explore()). */
export class MachineShutDown extends Error {
  constructor() {
    super('smpsim was shut down while the run was going on');
  }
}

/** The warm pool for an n-agent machine (started on first use; stored before any await, so concurrent callers share it). */
export function cpuPool(n: number, machine = 0): Promise<Piscina> {
  const key = poolKey(n, machine);
  let p = pools.get(key);
  if (!p) {
    const loads = loadTracking();
    p = workerEntry().then((filename) => {
      const options = {
        filename,
        minThreads: n,
        maxThreads: n,
        concurrentTasksPerWorker: 1,
        idleTimeout: 60_000,
        // the CPU threads block in Atomics.wait themselves; piscina must not park their loops
        atomics: 'disabled' as const,
        resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
        workerData: loads.workerData,
      };
      const execArgv = cpuWorkerExecArgv();
      let pool: Piscina;
      try {
        pool = new Piscina(execArgv ? { ...options, execArgv } : options);
      } catch (e) {
        // flags given to a thread explicitly must all be a thread's (not --max-old-space-size …)
        if ((e as { code?: string }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
        pool = new Piscina(options);
      }
      loads.watch(pool);
      return pool;
    });
    pools.set(key, p);
  }
  return p;
}

/**
 * Run one batch with the n-thread pool to itself. A batch needs all n threads at once (each
 * agent waits for the others at every hand-off): two batches sharing a pool would each hold
 * some threads while their other tasks wait in the queue for ever.
 */
export async function withCpuPool<T>(n: number, batch: (pool: Piscina) => Promise<T>, machine = 0): Promise<T> {
  const gen = generation;
  const key = poolKey(n, machine);
  const before = turns.get(key) ?? Promise.resolve();
  let done!: () => void;
  const mine = before.then(() => new Promise<void>((r) => (done = r)));
  turns.set(key, mine);
  await before;
  try {
    if (gen !== generation) throw new MachineShutDown();
    return await batch(await cpuPool(n, machine));
  } finally {
    done();
    if (turns.get(key) === mine) turns.delete(key);
  }
}

/** Stop every CPU thread (the CLI calls this before it exits); runs going on reject with MachineShutDown. */
export async function shutdownMachines(): Promise<void> {
  generation++;
  const all = [...pools.values()];
  pools.clear();
  dropBuffers();
  await Promise.all(
    all.map(async (p) => {
      const pool = await p;
      // a thread ended while it loads its modules aborts the whole process (worker-loads.ts)
      await threadsLoaded(pool, WORKER_LOAD_WAIT_MS);
      await pool.destroy();
    }),
  );
}

/** What the machine gives each agent's worker: the buffer, which agent it is, the closer's port. */
export interface AgentSlot {
  sab: SharedArrayBuffer;
  /** the agent (agent c < ncpus is CPU c's primary agent) */
  cpu: number;
  /** the closer's channel for findings as they are made */
  port?: MessagePort;
  /** the process's host words: its CPU threads in batches, the host's other load (host-load.ts) */
  hostLoad: Int32Array;
}

/** A message the closer posts while the batch runs; the machine only tells them from its end. */
export interface CloserMessage {
  type: 'finding' | 'usage';
}

/**
 * One batch: `task` builds what each agent's worker runs (the run layer's wire format, which
 * the machine does not look into), `onFinding` receives what the closer posts.
 */
export interface BatchRequest<T, M extends CloserMessage> {
  layout: Layout;
  hangMs: number;
  plan: BatchPlan;
  /** which of the process's machines of this size runs the batch (default 0; see cpuPool) */
  machine?: number;
  task(slot: AgentSlot): T;
  onFinding(msg: M): void;
  /** called with trials done so far, about every 100 ms */
  onProgress?(trialsDone: number): void;
  /** polled every watchdog tick once a trial is done: true ends the batch after the trial running now */
  shouldStop?(): boolean;
  /** stops the batch where it is (the trial running is not counted) */
  signal?: AbortSignal;
  /** the caller reads the machine's words after the batch (BatchOutcome.memory) */
  keepsMemory?: boolean;
}

export interface BatchOutcome<R> {
  result: R | null;
  trialsDone: number;
  /** a CPU ran scenario code for hangMs without a scheduling point */
  hang?: { cpu: number; segment: string; trial: number; last?: LastCall };
  /** a worker died (not by the watchdog) */
  crash?: { cpu: number; message: string; segment: string; trial: number; last?: LastCall };
  /** the machine's words as the batch left them, when asked for (a probe strategy's record is read from here) */
  memory?: Int32Array;
}

/**
 * The closer's channel to this thread: findings as they are made, then an end mark. Findings
 * travel on their own port, beside piscina's result message, so `drained()` waits for the end
 * mark (bounded, in case the closer died after returning) before the batch is over.
 */
export function findingsChannel<M extends CloserMessage>(
  onFinding: (msg: M) => void,
): { port: MessagePort; drained(closerReturned: boolean): Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  let endSeen: () => void = () => {};
  const endMessage = new Promise<void>((r) => (endSeen = r));
  port1.on('message', (msg: M | { type: 'end' }) => {
    if (msg.type === 'end') endSeen();
    else onFinding(msg);
  });
  return {
    port: port2,
    async drained(closerReturned) {
      // a closer that died sends no end mark: then what arrived is all there is
      if (closerReturned) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([endMessage, new Promise((r) => (timer = setTimeout(r, 1000)))]);
        clearTimeout(timer);
      }
      port1.close();
    },
  };
}

export function runBatchOnMachine<T, M extends CloserMessage, R>(req: BatchRequest<T, M>): Promise<BatchOutcome<R>> {
  const key = poolKey(req.layout.nagents, req.machine ?? 0);
  return withCpuPool(req.layout.nagents, (pool) => runBatch<T, M, R>(req, pool, key), req.machine);
}

async function runBatch<T, M extends CloserMessage, R>(
  req: BatchRequest<T, M>,
  pool: Piscina,
  key: string,
): Promise<BatchOutcome<R>> {
  const gen = generation;
  const L = req.layout;
  const sab = takeBuffer(key, L);
  const m = new Int32Array(sab, 0, L.totalWords);
  const channel = findingsChannel(req.onFinding);
  const port2 = channel.port;
  let ended = false;
  const signal = req.signal;
  // one thread per agent: a CPU's primary agent, extra tasks and kworkers on it
  const aborts = Array.from({ length: L.nagents }, () => new AbortController());
  const outcome: BatchOutcome<R> = { result: null, trialsDone: 0 };
  const currentTrial = (): { segment: string; trial: number } => {
    const idx = m[H.BATCH_TRIAL]!;
    const trial = req.plan.trialNumbers?.[idx] ?? req.plan.firstTrial + idx;
    return { trial, segment: segment(trial, m.subarray(L.choiceBase), m[H.NCHOICE]!) };
  };

  Atomics.add(hostLoad, HOST.THREADS, L.nagents);
  const runs = aborts.map((ac, cpu) => {
    const task = req.task({ sab, cpu, port: cpu === 0 ? port2 : undefined, hostLoad });
    return pool.run(task, { signal: ac.signal, transferList: cpu === 0 ? [port2 as never] : [] }).then(
      (r: R | null) => {
        if (cpu === 0) outcome.result = r;
      },
      (e: unknown) => {
        if (!ended && !outcome.hang && !outcome.crash && !terminated) {
          outcome.crash = {
            cpu: L.agents[cpu]!.cpu,
            message: deathMessage(e),
            last: lastCallOf(m, L, cpu),
            ...currentTrial(),
          };
        }
        stopAgents(m, L); // the others must not wait for a CPU that is gone
      },
    );
  });

  let lastStep = -1;
  let lastChange = Date.now();
  let lastProgress = 0;
  let stopSeen = 0;
  let notReadySince = 0;
  /** set once the watchdog ends the workers itself: their deaths are not crashes */
  let terminated = false;
  const watchdog = setInterval(() => {
    const step = Atomics.load(m, H.STEP);
    const now = Date.now();
    sampleHostLoad();
    // the closer reads the stop word after each trial and ends the batch there; a batch
    // stopped while its CPUs were still starting would end with no trial at all
    if (req.shouldStop && Atomics.load(m, H.TRIALS_DONE) > 0 && req.shouldStop()) Atomics.store(m, H.STOP, 1);
    if (req.onProgress && now - lastProgress >= 100) {
      lastProgress = now;
      req.onProgress(Atomics.load(m, H.TRIALS_DONE));
    }
    if (Atomics.load(m, H.STOP)) {
      // told to stop (a signal, a hang, a crash), but a worker still running scenario code
      // cannot see it: past the hang time, end what is left rather than wait for ever
      stopSeen ||= now;
      if (now - stopSeen >= req.hangMs && !terminated) {
        terminated = true;
        for (const ac of aborts) ac.abort(new Error('stopped'));
      }
      return;
    }
    // armed from the first event on, and only while the baton holder's worker is running:
    // starting a cold or replacement worker thread is not a hang, unless it never starts
    const holderReady = Atomics.load(m, L.agentBlock(Atomics.load(m, H.BATON)) + C.READY) !== 0;
    notReadySince = holderReady ? 0 : notReadySince || now;
    if (notReadySince && now - notReadySince >= WORKER_START_MS && !outcome.crash) {
      const agent = Atomics.load(m, H.BATON);
      outcome.crash = {
        cpu: L.agents[agent]!.cpu,
        message: `its worker thread did not start within ${WORKER_START_MS / 1000} s`,
        ...currentTrial(),
      };
      stopAgents(m, L);
      return;
    }
    if (step !== lastStep || step === 0 || !holderReady) {
      lastStep = step;
      lastChange = now;
      return;
    }
    if (now - lastChange < req.hangMs || outcome.hang) return;
    const agent = Atomics.load(m, H.BATON);
    outcome.hang = { cpu: L.agentCpu(m, agent), last: lastCallOf(m, L, agent), ...currentTrial() };
    stopAgents(m, L);
    aborts[agent]!.abort(new Error(`no scheduling point for ${req.hangMs} ms`));
  }, WATCHDOG_TICK_MS);

  const stop = (): void => stopAgents(m, L);
  if (signal?.aborted) stop();
  signal?.addEventListener('abort', stop, { once: true });

  await Promise.all(runs);
  Atomics.sub(hostLoad, HOST.THREADS, L.nagents);
  ended = true;
  signal?.removeEventListener('abort', stop);
  clearInterval(watchdog);
  await channel.drained(outcome.result !== null);
  outcome.trialsDone = Atomics.load(m, H.TRIALS_DONE);
  // a pool destroyed under the batch fails its tasks: that is no finding of the scenario's
  if (gen !== generation) throw new MachineShutDown();
  if (req.keepsMemory) outcome.memory = m;
  // a worker ended by the watchdog, or lost, may not have stopped writing yet
  else if (!terminated && !outcome.hang && !outcome.crash) giveBackBuffer(key, sab);
  return outcome;
}
