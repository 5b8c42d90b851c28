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
import { stopAgents } from './baton.ts';

const WATCHDOG_TICK_MS = 20;

const pools = new Map<number, Piscina>();

/** The warm pool for an n-CPU machine (started on first use). */
export async function cpuPool(n: number): Promise<Piscina> {
  let p = pools.get(n);
  if (!p) {
    p = new Piscina({
      filename: await workerEntry(),
      minThreads: n,
      maxThreads: n,
      concurrentTasksPerWorker: 1,
      idleTimeout: 60_000,
      // the CPU threads block in Atomics.wait themselves; piscina must not park their loops
      atomics: 'disabled',
    });
    pools.set(n, p);
  }
  return p;
}

/** Stop every CPU thread (the CLI calls this before it exits). */
export async function shutdownMachines(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.all(all.map((p) => p.destroy()));
}

/** What the machine gives each agent's worker: the buffer, which agent it is, the closer's port. */
export interface AgentSlot {
  sab: SharedArrayBuffer;
  /** the agent (agent c < ncpus is CPU c's primary agent) */
  cpu: number;
  /** the closer's channel for findings as they are made */
  port?: MessagePort;
}

/** A message the closer posts while the batch runs; the machine only tells findings from its end. */
export interface CloserMessage {
  type: 'finding';
}

/**
 * One batch: `task` builds what each agent's worker runs (the run layer's wire format, which
 * the machine does not look into), `onFinding` receives what the closer posts.
 */
export interface BatchRequest<T, M extends CloserMessage> {
  layout: Layout;
  hangMs: number;
  plan: BatchPlan;
  task(slot: AgentSlot): T;
  onFinding(msg: M): void;
  /** called with trials done so far, about every 100 ms */
  onProgress?(trialsDone: number): void;
  /** Date.now() after which the batch ends with the trial it is running (a time budget) */
  deadline?: number;
}

export interface BatchOutcome<R> {
  result: R | null;
  trialsDone: number;
  /** a CPU ran scenario code for hangMs without a scheduling point */
  hang?: { cpu: number; segment: string; trial: number };
  /** a worker died (not by the watchdog) */
  crash?: { cpu: number; message: string; segment: string; trial: number };
  /** the machine's words as the batch left them (a probe strategy's record is read from here) */
  memory?: Int32Array;
}

/**
 * The closer's channel to this thread: findings as they are made, then an end mark. Findings
 * travel on their own port, beside piscina's result message, so `drained()` waits for the end
 * mark (bounded, in case the closer died after returning) before the batch is over.
 */
export function findingsChannel<M extends CloserMessage>(onFinding: (msg: M) => void): { port: MessagePort; drained(closerReturned: boolean): Promise<void> } {
  const { port1, port2 } = new MessageChannel();
  let endSeen: () => void = () => {};
  const endMessage = new Promise<void>((r) => (endSeen = r));
  port1.on('message', (msg: M | { type: 'end' }) => {
    if (msg.type === 'finding') onFinding(msg);
    else endSeen();
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

export async function runBatchOnMachine<T, M extends CloserMessage, R>(req: BatchRequest<T, M>): Promise<BatchOutcome<R>> {
  const L = req.layout;
  const sab = new SharedArrayBuffer(L.totalBytes);
  const m = new Int32Array(sab, 0, L.totalWords);
  const pool = await cpuPool(L.nagents);
  const channel = findingsChannel(req.onFinding);
  const port2 = channel.port;
  let ended = false;
  // one thread per agent: a CPU's primary agent, extra tasks and kworkers on it
  const aborts = Array.from({ length: L.nagents }, () => new AbortController());
  const outcome: BatchOutcome<R> = { result: null, trialsDone: 0 };
  const currentTrial = (): { segment: string; trial: number } => {
    const idx = m[H.BATCH_TRIAL]!;
    const trial = req.plan.trialNumbers?.[idx] ?? req.plan.firstTrial + idx;
    return { trial, segment: segment(trial, m.subarray(L.choiceBase), m[H.NCHOICE]!) };
  };

  const runs = aborts.map((ac, cpu) => {
    const task = req.task({ sab, cpu, port: cpu === 0 ? port2 : undefined });
    return pool.run(task, { signal: ac.signal, transferList: cpu === 0 ? [port2 as never] : [] }).then(
      (r: R | null) => {
        if (cpu === 0) outcome.result = r;
      },
      (e: unknown) => {
        if (!ended && !outcome.hang && !outcome.crash) {
          outcome.crash = { cpu: L.agents[cpu]!.cpu, message: e instanceof Error ? e.message : String(e), ...currentTrial() };
        }
        stopAgents(m, L); // the others must not wait for a CPU that is gone
      },
    );
  });

  let lastStep = -1;
  let lastChange = Date.now();
  let lastProgress = 0;
  const watchdog = setInterval(() => {
    const step = Atomics.load(m, H.STEP);
    const now = Date.now();
    if (req.deadline !== undefined && now > req.deadline) Atomics.store(m, H.STOP, 1);
    if (req.onProgress && now - lastProgress >= 100) {
      lastProgress = now;
      req.onProgress(Atomics.load(m, H.TRIALS_DONE));
    }
    // armed from the first event on, and only while the baton holder's worker is running:
    // starting a cold or replacement worker thread is not a hang
    const holderReady = Atomics.load(m, L.agentBlock(Atomics.load(m, H.BATON)) + C.READY) !== 0;
    if (step !== lastStep || step === 0 || !holderReady) {
      lastStep = step;
      lastChange = now;
      return;
    }
    if (now - lastChange < req.hangMs || outcome.hang || Atomics.load(m, H.STOP)) return;
    const agent = Atomics.load(m, H.BATON);
    outcome.hang = { cpu: L.agents[agent]!.cpu, ...currentTrial() };
    stopAgents(m, L);
    aborts[agent]!.abort(new Error(`no scheduling point for ${req.hangMs} ms`));
  }, WATCHDOG_TICK_MS);

  await Promise.all(runs);
  ended = true;
  clearInterval(watchdog);
  await channel.drained(outcome.result !== null);
  outcome.trialsDone = Atomics.load(m, H.TRIALS_DONE);
  outcome.memory = m;
  return outcome;
}
