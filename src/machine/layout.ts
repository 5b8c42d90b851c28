/**
 * Where everything lives in the one SharedArrayBuffer that is the simulated machine's memory.
 *
 * The layout is a pure function of the scenario's declarations and the machine limits, so the
 * main thread and every CPU worker compute the same offsets independently. All offsets are in
 * Int32 words except the string table, which is bytes.
 */
import { EV_WORDS } from './events.ts';
import { isObjectDecl, type ObjectKind, type ScenarioDef } from './declarations.ts';

/** Header words: global machine and trial state. */
export const H = {
  BATON: 0, //      CPU holding the baton
  TRIAL: 1, //      trial generation number; a worker seeing a newer one unwinds its old stack
  TSTATE: 2, //     TrialState.*
  NEV: 3, //        events in the log
  NCHOICE: 4, //    choices recorded this trial
  STEP: 5, //       progress counter, read by the main thread's watchdog
  STOP: 6, //       set by the main thread: every worker leaves its batch
  END_CPU: 7, //    CPU that ended the trial (exception, BUG, hang)
  END_CTX: 8, //    its context depth
  REPLAY_LEN: 9, // choices loaded for the replay strategy
  REPLAY_POS: 10, // next replay choice
  MISMATCH: 11, //  replay token did not fit this scenario
  CAPTURE: 12, //   1: record call sites (replays of findings)
  EXC_STR: 13, //   string id of the exception / BUG message
  LIVE: 14, //      tasks not yet finished
  JIFFIES: 15, //   virtual time
  DECISIONS: 16, // decision points so far (PCT's step counter)
  END_EVENT: 17, // event seq that ended the trial (BUG …), -1 when none
  BATCH_TRIAL: 18, // index of the running trial within its batch
  TRIALS_DONE: 19, // trials closed in this batch (progress, and where a restarted batch resumes)
  SWITCHES: 20, //  baton hand-offs between CPUs over the batch (context switches)
  WAKEABLE: 21, //  contexts waiting that a timeout or signal may wake (wait.ts)
  SOFTIRQ_CPUS: 22, // CPUs with softirqs pending
  WORDS: 32,
} as const;

export const TrialState = {
  RUNNING: 0,
  DONE: 1, //       every task finished
  DEADLOCK: 2, //   some task unfinished, nothing can run
  EXCEPTION: 3, //  a task or handler threw
  BUG: 4, //        BUG_ON
  STEP_LIMIT: 5, // ran past maxEvents (livelock)
  ABORTED: 6, //    stopped from outside (watchdog, shutdown)
  MISMATCH: 7, //   replay token does not fit
} as const;

/** Per-CPU block. */
export const C = {
  WAKE: 0, //       the CPU's own wait word: 1 = baton handed to it
  ORDER: 1, //      Order.* it was handed the baton with
  ORDER_ARG: 2,
  IRQS_OFF: 4, //   1 when local irqs are disabled
  PCOUNT: 5, //     preempt_count()
  PID: 6, //        pid of its task
  NCTX: 7, //       depth of the context stack (1 = task only)
  STEPS: 8, //      events emitted by this CPU this trial
  HELD_N: 9, //     locks held
  SOFTIRQ_PENDING: 10, // local_softirq_pending(): bit nr set when softirq nr is raised here
  READY: 11, //     1 once this agent's worker has started the batch (kept across trials)
  CTX_BASE: 16, //  context stack: CTX_MAX entries of CTX_WORDS
  HELD_BASE: 80, // held-lock stack: HELD_MAX entries of HELD_WORDS
  WORDS: 272,
} as const;
export const CTX_MAX = 8;
export const CTX_WORDS = 8;
/** Fields of one context-stack entry (WAIT_FLAGS: LockFlag bits plus the wait.ts bits). */
export const CX = { KIND: 0, TID: 1, NR: 2, WAIT_OBJ: 3, WAIT_FLAGS: 4, WAIT_SEQ: 5, DEADLINE: 6 } as const;
export const HELD_MAX = 48; // the kernel's MAX_LOCK_DEPTH
export const HELD_WORDS = 4;
/** Fields of one held-lock entry. */
export const HL = { OBJ: 0, FLAGS: 1, SEQ: 2, CTXI: 3 } as const;


/** Orders handed over with the baton. */
export const Order = {
  NONE: 0,
  RUN: 1, //    continue (or start) the CPU's innermost context
  IRQ: 2, //    run the handler of line ORDER_ARG nested on this CPU
  CLOSE: 3, //  the trial is over: close it (the closer CPU only)
} as const;

/** Words of an object by kind. */
export const O = { WORD: 0, OWNER: 1, AUX: 2, AUX2: 3 } as const;
const OBJ_WORDS = 4;

export const LINE_WORDS = 4;
/** Fields of one IRQ line. NACTIONS: handlers installed (a line with none is masked). */
export const LN = { FIRES_LEFT: 0, ACTIVE: 1, NACTIONS: 2 } as const;
/** request_irq() actions per line, each ACTION_WORDS words (see irq-actions.ts). */
export const ACTION_MAX = 8;
export const ACTION_WORDS = 4;
/** kmalloc() handles per trial: HEAP word 0 is the last handle given, then one state word each. */
export const HEAP_MAX = 4096;

export interface ObjectInfo {
  id: number;
  /** Printed name: the state key, `key[i]` for array instances. */
  name: string;
  /** The state key (the lockdep class of a lock). */
  key: string;
  index: number;
  kind: ObjectKind;
  init: number;
  offset: number;
  words: number;
}

export interface LineInfo {
  index: number;
  irq: number;
  name: string;
  cpus: number[];
  fires: number;
}

/**
 * An agent is one thread of execution the baton can be handed to, with a block of its own in
 * the buffer. Agent c (c < ncpus) is CPU c's primary agent: it runs the CPU's first task, or
 * idles, and takes the CPU's interrupts; so a scenario with one task per CPU has exactly one
 * agent (one worker thread) per CPU. Further tasks on a CPU, and the CPU's kworker when the
 * scenario has work items, are agents of their own on that CPU: they share it, running only
 * while every other agent of the CPU could be preempted (no lock held with preemption off, irqs
 * on) or has nothing to run — which is what a context switch on one CPU allows.
 */
export interface AgentInfo {
  index: number;
  cpu: number;
  kind: 'cpu' | 'task' | 'kworker';
}

export interface TaskInfo {
  index: number;
  /** the agent that runs it */
  agent: number;
  cpu: number;
  /** comm, as the kernel prints it: the task's name, or cpuN */
  name: string;
  pid: number;
}

/** pid of the scenario's first task; task i gets FIRST_PID + i. */
export const FIRST_PID = 1001;

export interface Limits {
  maxEvents: number;
  maxChoices: number;
  stringBytes: number;
  stringCount: number;
}

export const DEFAULT_LIMITS: Limits = {
  maxEvents: 50_000,
  maxChoices: 50_000,
  stringBytes: 64 * 1024,
  stringCount: 2048,
};

export const STRATEGY_WORDS_BASE = 64;

/**
 * State objects a scenario may declare in all (`shareds(n)` and the like count n). Every CPU
 * worker lays the machine out again, so a state of millions of objects would spend a minute
 * and gigabytes before the first trial; it is refused when the scenario loads.
 */
export const MAX_STATE_OBJECTS = 100_000;

export class Layout {
  readonly ncpus: number;
  readonly objects: ObjectInfo[] = [];
  readonly objectsByKey = new Map<string, ObjectInfo[]>();
  readonly lines: LineInfo[] = [];
  readonly tasks: TaskInfo[] = [];
  readonly agents: AgentInfo[] = [];
  /** agents of each CPU, primary first */
  readonly cpuAgents: number[][] = [];
  readonly nagents: number;
  /** pid of CPU c's kworker is kworkerPid + c (when the scenario has work items) */
  readonly kworkerPid: number;
  /** the agent last run on each CPU: where its interrupts are taken */
  readonly cpuCurrentBase: number;
  readonly cpuBase: number;
  readonly strategyBase: number;
  readonly strategyWords: number;
  readonly linesBase: number;
  readonly irqCountBase: number;
  readonly actionBase: number;
  readonly heapBase: number;
  readonly objBase: number;
  readonly choiceBase: number;
  readonly replayBase: number;
  readonly strIndexBase: number;
  readonly eventBase: number;
  readonly totalWords: number;
  /** Byte offset of the string table's bytes. */
  readonly strByteBase: number;
  readonly totalBytes: number;

  constructor(
    def: ScenarioDef,
    readonly limits: Limits = DEFAULT_LIMITS,
  ) {
    this.ncpus = def.cpus;
    for (let c = 0; c < def.cpus; c++) {
      this.agents.push({ index: c, cpu: c, kind: 'cpu' });
      this.cpuAgents.push([c]);
    }
    const perCpu = new Array<number>(def.cpus).fill(0);
    def.tasks.forEach((t, index) => {
      const k = perCpu[t.cpu]!++;
      const name = t.name ?? (k === 0 ? `cpu${t.cpu}` : `cpu${t.cpu}.${k}`);
      let agent = t.cpu;
      if (k > 0) {
        agent = this.agents.length;
        this.agents.push({ index: agent, cpu: t.cpu, kind: 'task' });
        this.cpuAgents[t.cpu]!.push(agent);
      }
      this.tasks.push({ index, agent, cpu: t.cpu, name, pid: FIRST_PID + index });
    });
    this.kworkerPid = FIRST_PID + def.tasks.length;
    const hasWork = Object.values(def.state ?? {}).some((v) => isObjectDecl(v) && v.kind === 'work');
    if (hasWork) {
      for (let c = 0; c < def.cpus; c++) {
        const agent = this.agents.length;
        this.agents.push({ index: agent, cpu: c, kind: 'kworker' });
        this.cpuAgents[c]!.push(agent);
      }
    }
    this.nagents = this.agents.length;
    let w = H.WORDS;
    this.cpuBase = w;
    w += C.WORDS * this.nagents;
    this.cpuCurrentBase = w;
    w += this.ncpus;
    this.strategyBase = w;
    this.strategyWords = STRATEGY_WORDS_BASE + 4 * this.nagents + 4 * (def.irqs?.length ?? 0) * 8;
    w += this.strategyWords;
    (def.irqs ?? []).forEach((d, index) => {
      this.lines.push({
        index,
        irq: d.irq,
        name: d.name ?? `irq${d.irq}`,
        cpus: d.cpus ?? Array.from({ length: this.ncpus }, (_, i) => i),
        fires: d.fires ?? 1,
      });
    });
    this.linesBase = w;
    w += LINE_WORDS * this.lines.length;
    this.irqCountBase = w;
    w += this.lines.length * this.ncpus;
    this.actionBase = w;
    w += this.lines.length * ACTION_MAX * ACTION_WORDS;
    this.heapBase = w;
    w += 1 + HEAP_MAX;
    this.objBase = w;
    for (const [key, value] of Object.entries(def.state ?? {})) {
      if (!isObjectDecl(value)) continue;
      const infos: ObjectInfo[] = [];
      for (let index = 0; index < value.count; index++) {
        const words =
          value.kind === 'percpu'
            ? Math.max(OBJ_WORDS, this.ncpus)
            : value.kind === 'semaphore'
              ? OBJ_WORDS + this.nagents * CTX_MAX // + its FIFO of waiters
              : OBJ_WORDS;
        const info: ObjectInfo = {
          id: this.objects.length,
          name: value.array ? `${key}[${index}]` : key,
          key,
          index,
          kind: value.kind,
          init: value.init,
          offset: w,
          words,
        };
        w += words;
        this.objects.push(info);
        infos.push(info);
      }
      this.objectsByKey.set(key, infos);
    }
    if (hasWork) {
      // each kworker's queue: WORD counts the work items pending on that CPU
      const infos: ObjectInfo[] = [];
      for (let c = 0; c < def.cpus; c++) {
        const info: ObjectInfo = { id: this.objects.length, name: `kworker/${c}`, key: 'workqueue', index: c, kind: 'workqueue', init: 0, offset: w, words: OBJ_WORDS };
        w += OBJ_WORDS;
        this.objects.push(info);
        infos.push(info);
      }
      this.objectsByKey.set('workqueue', infos);
    }
    this.choiceBase = w;
    w += limits.maxChoices;
    this.replayBase = w;
    w += limits.maxChoices;
    this.strIndexBase = w; // [count, usedBytes, offset0, len0, offset1, len1 …]
    w += 2 + 2 * limits.stringCount;
    this.eventBase = w;
    w += limits.maxEvents * EV_WORDS;
    this.totalWords = w;
    this.strByteBase = w * 4;
    this.totalBytes = this.strByteBase + limits.stringBytes;
  }

  /** block of agent a (agent c < ncpus is CPU c's primary agent) */
  cpu(a: number): number {
    return this.cpuBase + a * C.WORDS;
  }
  /** word holding the agent last run on CPU c */
  cpuCurrent(c: number): number {
    return this.cpuCurrentBase + c;
  }
  ctxEntry(c: number, depth: number): number {
    return this.cpuBase + c * C.WORDS + C.CTX_BASE + depth * CTX_WORDS;
  }
  heldEntry(c: number, i: number): number {
    return this.cpuBase + c * C.WORDS + C.HELD_BASE + i * HELD_WORDS;
  }
  line(l: number): number {
    return this.linesBase + l * LINE_WORDS;
  }
  irqCount(l: number, c: number): number {
    return this.irqCountBase + l * this.ncpus + c;
  }
  action(l: number, k: number): number {
    return this.actionBase + (l * ACTION_MAX + k) * ACTION_WORDS;
  }
  taskName(pid: number): string {
    const t = this.tasks[pid - FIRST_PID];
    if (t) return t.name;
    const kw = pid - this.kworkerPid;
    return kw >= 0 && kw < this.ncpus ? `kworker/${kw}:1` : `pid${pid}`;
  }
  objName(id: number): string {
    return id >= 0 && id < this.objects.length ? this.objects[id]!.name : '?';
  }
}
