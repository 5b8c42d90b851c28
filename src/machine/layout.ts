/**
 * Where everything lives in the one SharedArrayBuffer that is the simulated machine's memory.
 *
 * The layout is a pure function of the scenario's declarations and the machine limits, so the
 * main thread and every CPU worker compute the same offsets independently. Every block is a
 * field list (fields.ts) and every region is taken in turn from one counter and recorded in
 * `regions`, so offsets are derived, never numbered by hand; capacities are checked as the
 * layout is built (capacities.ts). All offsets are in Int32 words except the string table's
 * bytes, which follow the words.
 */
import { EV_WORDS } from './events.ts';
import { isObjectDecl, type ScenarioDef } from './declarations.ts';
import { addKernelThread, FIRST_PID, placeAgents, strategyShape, type AgentInfo, type TaskInfo } from './agents.ts';

export { FIRST_PID, type AgentInfo, type TaskInfo };
import { objectKind, type ObjectKind } from './object-kinds.ts';
import { fields, words } from './fields.ts';
import {
  ACTION_MAX,
  CTX_MAX,
  HEAP_MAX,
  KOBJ_FIELDS_MAX,
  HELD_MAX,
  MAX_AGENTS,
  MAX_CPUS,
  MAX_LINES,
  checkCapacity,
} from './capacities.ts';
import { strategyStateWords } from '../sched/strategies.ts';
import type { StrategyShape } from '../sched/strategy.ts';
import { HISTORY, MemoryRegion, SB_CAP, type MemoryModelName } from './memory-region.ts';

/** Header words: global machine and trial state. */
export const H = words(
  'BATON', //        agent holding the baton
  'TRIAL', //        trial generation number; a worker seeing a newer one unwinds its old stack
  'TSTATE', //       TrialState.*
  'NEV', //          events in the log
  'NCHOICE', //      choices recorded this trial
  'STEP', //         progress counter, read by the main thread's watchdog
  'STOP', //         set by the main thread: every worker leaves its batch
  'END_CPU', //      CPU that ended the trial (exception, BUG, hang)
  'EXC_STR', //      string id of the exception / BUG message
  'LIVE', //         tasks not yet finished
  'JIFFIES', //      virtual time
  'DECISIONS', //    decision points so far (PCT's step counter)
  'END_EVENT', //    event seq that ended the trial (BUG …), -1 when none
  'BATCH_TRIAL', //  index of the running trial within its batch
  'TRIALS_DONE', //  trials closed in this batch (progress, and where a restarted batch resumes)
  'SWITCHES', //     baton hand-offs between agents over the batch (context switches)
  'WAKEABLE', //     contexts waiting that a timeout or signal may wake (wait.ts)
  'SOFTIRQ_CPUS', // CPUs with softirqs pending
);

/** How a trial ended (trial-state.ts). */
export { TrialState } from './trial-state.ts';

/** Fields of one context-stack entry (WAIT_FLAGS: LockFlag bits plus the wait.ts bits). */
export const CX = words('KIND', 'TID', 'NR', 'WAIT_OBJ', 'WAIT_FLAGS', 'WAIT_SEQ', 'DEADLINE');
/** Fields of one held-lock entry. */
export const HL = words('OBJ', 'FLAGS', 'SEQ', 'CTXI');

/** Per-agent block. */
export const C = fields({
  WAKE: 1, //            the agent's own wait word: 1 = baton handed to it
  SPINNING: 1, //        1 while the agent polls WAKE instead of sleeping on it (no notify needed)
  ORDER: 1, //           Order.* it was handed the baton with
  ORDER_ARG: 1,
  IRQS_OFF: 1, //        1 when local irqs are disabled
  PCOUNT: 1, //          preempt_count()
  NCTX: 1, //            depth of the context stack (1 = task only)
  HELD_N: 1, //          locks held
  SOFTIRQ_PENDING: 1, // local_softirq_pending(): bit nr set when softirq nr is raised here
  READY: 1, //           1 once this agent's worker has started the batch (kept across trials)
  NEXT_OBJ: 1, //        footprint of the operation the agent is about to do at its scheduling
  NEXT_ACCESS: 1, //     point: object id and Access (sched/footprint.ts), for DPOR
  CPU: 1, //             the CPU it is on now (an unpinned task's changes when it migrates)
  MIGRATIONS: 1, //      migrations it may still make this trial
  CTX_BASE: CTX_MAX * CX.WORDS, //    context stack
  HELD_BASE: HELD_MAX * HL.WORDS, //  held-lock stack
});

/** Orders handed over with the baton. */
export const Order = {
  NONE: 0,
  RUN: 1, //    continue (or start) the agent's innermost context
  IRQ: 2, //    run the handler of line ORDER_ARG nested on this agent
  CLOSE: 3, //  the trial is over: close it (the closer agent only)
} as const;

/**
 * Fields of one IRQ line. NACTIONS: handlers installed (a line with none is masked). DEPTH:
 * disable_irq() nesting (desc->depth; the line does not fire while it is above 0). ONESHOT:
 * the IRQF_ONESHOT actions whose thread has yet to run, by slot (desc->threads_oneshot): the
 * line stays masked until it is 0.
 */
export const LN = words('FIRES_LEFT', 'ACTIVE', 'NACTIONS', 'DEPTH', 'ONESHOT');
/** Fields of one request_irq() action (see irq-actions.ts); THREAD_FN: request_threaded_irq's. */
export const AC = words('FN', 'FLAGS', 'DEV', 'NAME', 'THREAD_FN');

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

export interface Limits {
  maxEvents: number;
  maxChoices: number;
  stringBytes: number;
  stringCount: number;
  /** the memory model, when the run overrides the scenario's (--memory) */
  memory?: MemoryModelName;
}

export const DEFAULT_LIMITS: Limits = {
  maxEvents: 50_000,
  maxChoices: 50_000,
  stringBytes: 64 * 1024,
  stringCount: 2048,
};

/** One named region of the buffer's words. */
export interface Region {
  readonly name: string;
  readonly base: number;
  readonly words: number;
}

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
  /** agents that may be on each CPU, primary first (an unpinned task is listed on each of its CPUs) */
  readonly cpuAgents: number[][] = [];
  readonly nagents: number;
  /** pid of CPU c's kworker is kworkerPid + c (when the scenario has work items) */
  readonly kworkerPid: number;
  /** the scenario's kthreads, by their `kthreads` key: the agent that runs each */
  readonly kthreads: { name: string; agent: number }[] = [];
  /** every region of words, in buffer order (the header first, the event log last) */
  readonly regions: Region[] = [];
  /** the agent last run on each CPU: where its interrupts are taken */
  readonly cpuCurrentBase: number;
  /** the agents' blocks (C), one per agent */
  readonly agentBase: number;
  /** what the strategy may size its state by, and the words it gets */
  readonly strategyShape: StrategyShape;
  /** the memory model's region (memory-region.ts): no words when it is 'sc' */
  readonly memory: MemoryRegion;
  /** per location (declared object), its value word, or -1 (a lock) */
  readonly memoryCells: Int32Array;
  readonly strategyBase: number;
  readonly strategyWords: number;
  readonly linesBase: number;
  readonly irqCountBase: number;
  readonly actionBase: number;
  readonly heapBase: number;
  readonly objBase: number;
  readonly choiceBase: number;
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
    checkCapacity('cpus', def.cpus, MAX_CPUS, 'MAX_CPUS');
    const hasWork = Object.values(def.state ?? {}).some((v) => isObjectDecl(v) && v.kind === 'work');
    placeAgents(def, hasWork, this.agents, this.cpuAgents, this.tasks);
    this.kworkerPid = FIRST_PID + def.tasks.length;
    const addThread = (info: Parameters<typeof addKernelThread>[2]): void =>
      addKernelThread(this.agents, this.cpuAgents, info);
    (def.irqs ?? []).forEach((d, index) => {
      this.lines.push({
        index,
        irq: d.irq,
        name: d.name ?? `irq${d.irq}`,
        cpus: d.cpus ?? Array.from({ length: this.ncpus }, (_, i) => i),
        fires: d.fires ?? 1,
      });
    });
    // kernel threads after the kworkers' pids: a threaded line's irq/<N>-<name> on the line's
    // first CPU (the kernel makes it follow the line's affinity), then the scenario's kthreads
    let pid = this.kworkerPid + def.cpus;
    for (const line of this.lines) {
      if (def.irqs?.[line.index]?.threaded !== true) continue;
      const comm = `irq/${line.irq}-${line.name}`;
      addThread({ cpu: line.cpus[0] ?? 0, kind: 'irq_thread', pid: pid++, comm, line: line.index });
    }
    Object.keys(def.kthreads ?? {}).forEach((name, k) => {
      this.kthreads.push({ name, agent: this.agents.length });
      addThread({ cpu: k % def.cpus, kind: 'kthread', pid: pid++, comm: name, kthread: k });
    });
    this.nagents = this.agents.length;
    checkCapacity('agents (tasks, kworkers and kernel threads)', this.nagents, MAX_AGENTS, 'MAX_AGENTS');
    checkCapacity('irq lines', this.lines.length, MAX_LINES, 'MAX_LINES');
    const model = limits.memory ?? def.memory ?? 'sc';
    this.strategyShape = {
      ...strategyShape(
        this.agents,
        this.lines.map((l) => l.fires),
      ),
      // a weak memory model's choices: buffered stores that may drain, values a read may return
      ...(model === 'sc' ? {} : { flushes: this.ncpus * (model === 'weak' ? SB_CAP : 1) }),
      ...(model === 'weak' ? { values: HISTORY } : {}),
    };

    let w = 0;
    const take = (name: string, words: number): number => {
      const base = w;
      this.regions.push({ name, base, words });
      w += words;
      return base;
    };
    take('header', H.WORDS);
    this.agentBase = take('agents', C.WORDS * this.nagents);
    this.cpuCurrentBase = take('cpu-current', this.ncpus);
    this.strategyWords = strategyStateWords(this.strategyShape);
    this.strategyBase = take('strategy', this.strategyWords);
    this.linesBase = take('lines', LN.WORDS * this.lines.length);
    this.irqCountBase = take('irq-counts', this.lines.length * this.ncpus);
    this.actionBase = take('irq-actions', this.lines.length * ACTION_MAX * AC.WORDS);
    // word 0: the last handle given, then per handle its state, its field count and its fields
    this.heapBase = take('heap', 1 + HEAP_MAX * (2 + KOBJ_FIELDS_MAX));
    const nlocs = Object.values(def.state ?? {}).reduce<number>((n, v) => n + (isObjectDecl(v) ? v.count : 0), 0);
    this.memory = new MemoryRegion(w, this.ncpus, nlocs, model);
    take('memory-model', this.memory.words);
    this.memoryCells = new Int32Array(nlocs).fill(-1);
    this.objBase = w;
    /** Instances of one state key (or machine-owned kind), laid out after those before them. */
    const place = (key: string, kind: ObjectKind, items: { name: string; index: number; init: number }[]): void => {
      const infos = items.map(({ name, index, init }): ObjectInfo => {
        const words = objectKind(kind).words(this);
        const info: ObjectInfo = { id: this.objects.length, name, key, index, kind, init, offset: w, words };
        w += words;
        // a declared value word is a location of a weak memory model (memory-region.ts)
        if (kind === 'shared' || kind === 'atomic') this.memoryCells[info.id] = info.offset;
        this.objects.push(info);
        return info;
      });
      this.objectsByKey.set(key, infos);
    };
    for (const [key, value] of Object.entries(def.state ?? {})) {
      if (!isObjectDecl(value)) continue;
      // a per-CPU variable is one instance per CPU, each named as per_cpu() names it
      const perCpu = objectKind(value.kind).perCpu === true;
      place(
        key,
        value.kind,
        Array.from({ length: value.count * (perCpu ? this.ncpus : 1) }, (_, index) => ({
          name: perCpu ? `per_cpu(${key}, ${index})` : value.array ? `${key}[${index}]` : key,
          index,
          init: value.init,
        })),
      );
    }
    // the machine's own objects come after every declared one, so that declared ids never move
    // each kworker's queue: WORD counts the work items pending on that CPU
    if (hasWork) {
      const kworkers = Array.from({ length: def.cpus }, (_, c) => ({ name: `kworker/${c}`, index: c, init: 0 }));
      place('workqueue', 'workqueue', kworkers);
    }
    // each agent's task state: what set_current_state() writes and schedule() waits on
    place(
      'task_state',
      'task_state',
      this.agents.map((a) => ({ name: `task_state/${a.index}`, index: a.index, init: 0 })),
    );
    // RCU's state: one per machine
    place('rcu_state', 'rcu_state', [{ name: 'rcu_state', index: 0, init: 0 }]);
    // each line's descriptor, what synchronize_irq() waits on: its WORD holds the address of the
    // line's ACTIVE word (a handler of it runs somewhere)
    if (this.lines.length > 0) {
      place(
        'irq_desc',
        'irq_desc',
        this.lines.map((line) => ({
          name: `irq/${line.irq}`,
          index: line.index,
          init: this.linesBase + LN.WORDS * line.index + LN.ACTIVE,
        })),
      );
    }
    // each kernel thread's own word: an irq thread's wake-up (IRQTF_RUNTHREAD), a kthread's life
    for (const kind of ['irq_thread', 'kthread'] as const) {
      const threads = this.agents.filter((a) => a.kind === kind);
      const items = threads.map((a) => ({ name: a.comm!, index: a.line ?? a.kthread!, init: 0 }));
      if (items.length > 0) place(kind, kind, items);
    }
    this.regions.push({ name: 'objects', base: this.objBase, words: w - this.objBase });
    this.choiceBase = take('choices', limits.maxChoices);
    this.strIndexBase = take('string-index', 2 + 2 * limits.stringCount); // [count, usedBytes, offset0, len0 …]
    this.eventBase = take('events', limits.maxEvents * EV_WORDS);
    this.totalWords = w;
    this.strByteBase = w * 4;
    this.totalBytes = this.strByteBase + limits.stringBytes;
  }

  /** The strategy's own slice of buffer `m`. */
  strategyState(m: Int32Array): Int32Array {
    return m.subarray(this.strategyBase, this.strategyBase + this.strategyWords);
  }

  /** block of agent a (agent c < ncpus is CPU c's primary agent) */
  agentBlock(a: number): number {
    return this.agentBase + a * C.WORDS;
  }
  /** the CPU agent a is on now, in buffer `m` (set at trial start, moved by a migration) */
  agentCpu(m: Int32Array, a: number): number {
    return m[this.agentBase + a * C.WORDS + C.CPU]!;
  }
  /** word holding the agent last run on CPU c */
  cpuCurrent(c: number): number {
    return this.cpuCurrentBase + c;
  }
  /** context-stack entry `depth` of agent a */
  ctxEntry(a: number, depth: number): number {
    return this.agentBase + a * C.WORDS + C.CTX_BASE + depth * CX.WORDS;
  }
  /** held-lock entry i of agent a */
  heldEntry(a: number, i: number): number {
    return this.agentBase + a * C.WORDS + C.HELD_BASE + i * HL.WORDS;
  }
  line(l: number): number {
    return this.linesBase + l * LN.WORDS;
  }
  irqCount(l: number, c: number): number {
    return this.irqCountBase + l * this.ncpus + c;
  }
  action(l: number, k: number): number {
    return this.actionBase + (l * ACTION_MAX + k) * AC.WORDS;
  }
  /** comm of what runs as pid on CPU cpu: the task's name, or swapper/N on an idle CPU */
  comm(pid: number, cpu: number): string {
    return pid === 0 ? `swapper/${cpu}` : this.taskName(pid);
  }
  taskName(pid: number): string {
    const t = this.tasks[pid - FIRST_PID];
    if (t) return t.name;
    return this.agents.find((a) => a.pid === pid)?.comm ?? `pid${pid}`;
  }
  /** Footprint id of irq line l (a pseudo object after the declared ones: its firing budget). */
  lineObject(l: number): number {
    return this.objects.length + l;
  }
  /** Footprint id of jiffies (virtual time: sleeps advance it, timeouts read it). */
  get jiffiesObject(): number {
    return this.objects.length + this.lines.length;
  }
  /** Footprint id of the global view smp_mb() joins and publishes (weak-memory.ts). */
  get memoryViewObject(): number {
    return this.objects.length + this.lines.length + 1;
  }
  /** the agent a kernel thread's pid (kworker, kthread, irq thread) runs on, or undefined */
  agentOfPid(pid: number): number | undefined {
    return this.agents.find((a) => a.pid === pid)?.index;
  }
  /** The highest pid anything in this machine has. */
  get maxPid(): number {
    return Math.max(this.kworkerPid + this.ncpus, ...this.agents.map((a) => a.pid ?? 0));
  }
  objName(id: number): string {
    return id >= 0 && id < this.objects.length ? this.objects[id]!.name : '?';
  }
}
