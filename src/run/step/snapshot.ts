/**
 * What a person stepping the machine sees at a decision: for every agent its CPU, task and
 * context (task, hardirq, softirq), the kernel call it makes next with its call site, the locks
 * it holds, what it waits for, and its CPU's preempt count and irq state; and the options, in
 * words. Read from the replayed trial's events: those before the decision say where everyone
 * is, the first event of each agent after it says what that agent does next.
 */
import { EventLog, F_CPU, F_SITE, F_TID, Op } from '../../machine/events.ts';
import { siteText } from '../../machine/call-site.ts';
import type { Layout } from '../../machine/layout.ts';
import {
  END_OPTION,
  SOFTIRQ_LINE,
  TIMER_LINE,
  flushSeq,
  isFlushOption,
  isValueOption,
  valueOption,
  isIrqOption,
  isMigrateOption,
  migrateAgent,
  migrateCpu,
  isWakeOption,
  optionCpu,
  optionLine,
  wakeOptionAgent,
} from '../../sched/strategy.ts';
import { describeEvent } from '../../report/interleaving.ts';
import { buildTimeline } from '../../report/html/timeline.ts';

export interface OptionView {
  index: number;
  text: string;
}

export interface AgentView {
  agent: number;
  cpu: number;
  task: string;
  /** innermost context: "task", or the handler running over it */
  context: string;
  /** the next kernel call and its call site; absent once the agent is done */
  next?: { call: string; site: string };
  held: string[];
  waiting?: string;
  preemptCount: number;
  irqsOff: boolean;
  done: boolean;
}

export interface StepSnapshot {
  /** choices made so far */
  step: number;
  token: string;
  /** events so far */
  events: number;
  agents: AgentView[];
  options: OptionView[];
  /** how the trial ended, once it has */
  ended?: string;
}

function agentPid(L: Layout, a: number): number {
  const info = L.agents[a]!;
  if (info.pid !== undefined) return info.pid;
  return L.tasks.find((t) => t.agent === a)?.pid ?? 0;
}

function agentName(L: Layout, a: number): string {
  const pid = agentPid(L, a);
  return pid === 0 ? `swapper/${L.agents[a]!.cpu}` : `${L.taskName(pid)}/${pid}`;
}

/**
 * A call not yet made, in words: what it will read, write or return depends on what runs
 * before it, so the values seen in the probe's continuation are left out.
 */
function pending(text: string): string {
  return text
    .replace(/ \(read -?\d+\)$/, ' (read)')
    .replace(/ = -?\d+$/, ' = …')
    .replace(/ \.\.\. waits$/, '')
    .replace(/ fails \(.*\)$/, '');
}

export function describeOption(L: Layout, index: number, o: number, current: number): OptionView {
  let text: string;
  if (o === END_OPTION) text = 'end the trial';
  else if (isWakeOption(o)) text = `end the wait on CPU${wakeOptionAgent(o)} early (timeout or signal)`;
  else if (isIrqOption(o)) {
    const line = L.lines[optionLine(o)];
    text =
      optionLine(o) === TIMER_LINE
        ? `the timer tick on CPU${optionCpu(o)} (timers due there expire)`
        : optionLine(o) === SOFTIRQ_LINE || !line
          ? `run the pending softirqs on CPU${optionCpu(o)}`
          : `deliver irq ${line.irq} (${line.name}) on CPU${optionCpu(o)}`;
  } else if (isMigrateOption(o)) {
    text = `preempt ${agentName(L, migrateAgent(o))} and move it to CPU${migrateCpu(o)}`;
  } else if (isFlushOption(o)) text = `make a store buffered on CPU${optionCpu(o)} visible (store #${flushSeq(o)})`;
  else if (isValueOption(o))
    text =
      o === valueOption(0)
        ? 'the read returns the newest store'
        : `the read returns an older store (${o - valueOption(0)} back)`;
  else {
    const a = L.agents[o];
    text = a ? `run CPU${a.cpu} ${agentName(L, o)}${o === current ? ' (goes on)' : ''}` : `option ${o}`;
  }
  return { index, text };
}

export function machineSnapshot(
  L: Layout,
  trial: { events: EventLog; strings: string[] },
  at: number,
  rest: Omit<StepSnapshot, 'agents' | 'events'>,
): StepSnapshot {
  const ev = trial.events;
  const before = { events: new EventLog(ev.words, at), strings: trial.strings };
  const t = buildTimeline(before, L);
  const agents: AgentView[] = L.agents.map((info, a) => {
    const pid = agentPid(L, a);
    const lane = t.lanes.findIndex((l) => l.cpu === info.cpu && l.pid === pid);
    const mine = t.events.filter((e) => e.lane === lane);
    const onCpu = t.events.filter((e) => t.lanes[e.lane]?.cpu === info.cpu);
    const last = onCpu[onCpu.length - 1];
    const open = t.spans.filter((s) => s.lane === lane && s.end === at);
    const handler = open.filter((s) => s.kind === 'hardirq' || s.kind === 'softirq').pop();
    const wait = open.find((s) => s.kind === 'wait' || s.kind === 'sleep');
    let next: AgentView['next'];
    for (let i = at; i < ev.length; i++) {
      if (ev.field(i, F_CPU) !== info.cpu || ev.field(i, F_TID) !== pid) continue;
      if (ev.op(i) === Op.TASK_END) break;
      const text = describeEvent(ev, i, L);
      if (text === undefined) continue;
      next = { call: pending(text), site: siteText(trial.strings[ev.field(i, F_SITE)] ?? '').where };
      break;
    }
    return {
      agent: a,
      cpu: info.cpu,
      task: agentName(L, a),
      context: handler ? handler.label : 'task',
      next,
      held: t.bars.filter((b) => b.lane === lane && b.end === at).map((b) => b.lock),
      waiting: wait?.label,
      preemptCount: last?.pcount ?? 0,
      irqsOff: last?.irqsOff ?? false,
      done: mine.some((e) => e.op === 'task_end') && !next,
    };
  });
  return { ...rest, events: at, agents };
}
