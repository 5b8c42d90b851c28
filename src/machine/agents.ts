/**
 * Which agents a scenario's machine has, and which runs each task: the CPUs' primary agents,
 * further tasks, unpinned tasks (which can migrate) and the kworkers. Pure, like the layout
 * that calls it, so every worker computes the same agents.
 */
import { taskCpus, taskMigrations, type ScenarioDef } from './declarations.ts';
import type { StrategyShape } from '../sched/strategy.ts';

/** pid of the scenario's first task; task i gets FIRST_PID + i. */
export const FIRST_PID = 1001;

/**
 * An agent is one thread of execution the baton can be handed to, with a block of its own in
 * the buffer. Agent c (c < ncpus) is CPU c's primary agent: it runs the CPU's first task, or
 * idles, and takes the CPU's interrupts; so a scenario with one task per CPU has exactly one
 * agent (one worker thread) per CPU. Further tasks on a CPU, and the CPU's kworker when the
 * scenario has work items, are agents of their own on that CPU: they share it, running only
 * while every other agent of the CPU could be preempted (no lock held with preemption off, irqs
 * on) or has nothing to run — which is what a context switch on one CPU allows.
 *
 * A task allowed on several CPUs is always an agent of its own, never a CPU's primary one, so
 * that every CPU keeps an agent to take its interrupts when the task migrates away. `cpu` is
 * where it starts; where it is now is its block's C.CPU word (agentCpu()).
 */
export interface AgentInfo {
  index: number;
  cpu: number;
  kind: 'cpu' | 'task' | 'kworker' | 'kthread' | 'irq_thread';
  /** the CPUs it may run on: [cpu] unless it is an unpinned task */
  allowed: readonly number[];
  /** migrations it may make in one trial (0 for a pinned one) */
  migrations: number;
  /** a kernel thread's pid and comm (kworker, kthread, irq thread); tasks have theirs in TaskInfo */
  pid?: number;
  comm?: string;
  /** the irq line an irq thread serves, the kthreads entry a kthread runs */
  line?: number;
  kthread?: number;
}

/** A kernel thread (kworker, kthread, irq thread): an agent of its own, pinned to its CPU. */
export function addKernelThread(
  agents: AgentInfo[],
  cpuAgents: number[][],
  info: Omit<AgentInfo, 'index' | 'allowed' | 'migrations'>,
): void {
  const agent = agents.length;
  agents.push({ index: agent, allowed: [info.cpu], migrations: 0, ...info });
  cpuAgents[info.cpu]!.push(agent);
}

export interface TaskInfo {
  index: number;
  /** the agent that runs it */
  agent: number;
  cpu: number;
  /** how many CPUs it may run on (nr_cpus_allowed): more than 1 means it is not pinned */
  allowed: number;
  /** comm, as the kernel prints it: the task's name, or cpuN */
  name: string;
  pid: number;
}

/** Fill `agents`, each CPU's `cpuAgents` (primary first) and `tasks` for scenario `def`. */
export function placeAgents(
  def: ScenarioDef,
  hasWork: boolean,
  agents: AgentInfo[],
  cpuAgents: number[][],
  tasks: TaskInfo[],
): void {
  for (let c = 0; c < def.cpus; c++) {
    agents.push({ index: c, cpu: c, kind: 'cpu', allowed: [c], migrations: 0 });
    cpuAgents.push([c]);
  }
  const perCpu = new Array<number>(def.cpus).fill(0);
  const primaryTaken = new Array<boolean>(def.cpus).fill(false);
  def.tasks.forEach((t, index) => {
    const allowed = taskCpus(t, def.cpus);
    const cpu = allowed[0]!;
    const k = perCpu[cpu]!++;
    const name = t.name ?? (k === 0 ? `cpu${cpu}` : `cpu${cpu}.${k}`);
    const pinned = allowed.length === 1;
    let agent = cpu;
    if (!pinned || primaryTaken[cpu]) {
      agent = agents.length;
      const migrations = pinned ? 0 : taskMigrations(t);
      agents.push({ index: agent, cpu, kind: 'task', allowed: pinned ? [cpu] : allowed, migrations });
      for (const c of pinned ? [cpu] : allowed) cpuAgents[c]!.push(agent);
    } else primaryTaken[cpu] = true;
    tasks.push({ index, agent, cpu, allowed: allowed.length, name, pid: FIRST_PID + index });
  });
  if (hasWork) {
    const kworkerPid = FIRST_PID + def.tasks.length;
    for (let c = 0; c < def.cpus; c++)
      addKernelThread(agents, cpuAgents, { cpu: c, kind: 'kworker', pid: kworkerPid + c, comm: `kworker/${c}:1` });
  }
}

/** What a strategy may size its state by; a machine whose tasks are all pinned plans no migration. */
export function strategyShape(agents: readonly AgentInfo[], fires: number[]): StrategyShape {
  if (!agents.some((a) => a.migrations > 0)) return { agents: agents.length, fires };
  return {
    agents: agents.length,
    fires,
    migrations: agents.map((a) => a.migrations),
    moveTargets: agents.map((a) => (a.migrations > 0 ? a.allowed.length - 1 : 0)),
  };
}
