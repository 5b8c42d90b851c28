/**
 * A replayed trial as the data a timeline draws: one lane per task on its CPU (a CPU whose
 * tasks share it gets one lane per task), the events on it with their call site and context,
 * bars for the time each lock was held, spans for hardirq/softirq handlers nested on the lane,
 * and spans for the time a context spent waiting for a lock or sleeping. Time is the event's
 * sequence number: the interleaving is what matters, not the wall clock.
 */
import {
  Ctx,
  CTX_NAMES,
  EvFlag,
  F_A,
  F_CPU,
  F_CTX,
  F_FLAGS,
  F_FN,
  F_OBJ,
  F_PCOUNT,
  F_SITE,
  F_TID,
  KFN_NAMES,
  Op,
  OP_NAMES,
  type EventLog,
} from '../../machine/events.ts';
import { siteText } from '../../machine/call-site.ts';
import { describeEvent, type InterleavingNames } from '../interleaving.ts';

/** What the timeline needs to name things: the scenario's layout provides it. */
export interface TimelineNames extends InterleavingNames {
  readonly objects: readonly { key: string; kind: string }[];
  taskName(pid: number): string;
}

export interface TrialEvents {
  events: EventLog;
  /** call sites by id ("file.ts:line\tfunction") */
  strings: string[];
}

export interface Lane {
  cpu: number;
  pid: number;
  label: string;
}

export interface TimelineEvent {
  seq: number;
  lane: number;
  /** handler nesting: 0 task, 1 in a hardirq or softirq, 2 an irq over a softirq … */
  depth: number;
  ctx: string;
  op: string;
  text: string;
  site: string;
  fn: string;
  pcount: number;
  irqsOff: boolean;
  /** locks held on this lane when the event happened */
  held: string[];
}

/** A lock held from `start` to `end` (exclusive; the trial's length when never released). */
export interface LockBar {
  lane: number;
  lock: string;
  /** lockdep class: the state key */
  cls: string;
  start: number;
  end: number;
  /** stacking slot: how many locks the lane held when it was taken */
  slot: number;
  read: boolean;
}

export interface Span {
  lane: number;
  kind: 'hardirq' | 'softirq' | 'wait' | 'sleep';
  label: string;
  start: number;
  end: number;
  depth: number;
}

/** A context waiting (`from`, its wait event) on a lock held by another (`to`, the acquisition). */
export interface WaitEdge {
  from: number;
  to: number;
}

export interface Timeline {
  length: number;
  lanes: Lane[];
  events: TimelineEvent[];
  bars: LockBar[];
  spans: Span[];
  waits: WaitEdge[];
  /** lock classes in order of first use (the colour of each) */
  classes: string[];
}

function laneLabel(names: TimelineNames, cpu: number, pid: number): string {
  return `CPU${cpu} ${pid === 0 ? `swapper/${cpu}` : names.taskName(pid)}`;
}

export function buildTimeline(t: TrialEvents, names: TimelineNames): Timeline {
  const ev = t.events;
  const laneIds = new Map<string, number>();
  const lanes: Lane[] = [];
  const laneOf = (cpu: number, pid: number): number => {
    const key = `${cpu}:${pid}`;
    let id = laneIds.get(key);
    if (id === undefined) {
      id = lanes.length;
      laneIds.set(key, id);
      lanes.push({ cpu, pid, label: '' });
    }
    return id;
  };
  const events: TimelineEvent[] = [];
  const bars: LockBar[] = [];
  const spans: Span[] = [];
  const classes: string[] = [];
  const held = new Map<number, LockBar[]>(); // lane → open bars
  const depthOf = new Map<number, Span[]>(); // cpu → open handler spans
  const waiting = new Map<number, Span>(); // lane → open wait
  for (let i = 0; i < ev.length; i++) {
    const cpu = ev.field(i, F_CPU);
    const lane = laneOf(cpu, ev.field(i, F_TID));
    const op = ev.op(i);
    const obj = ev.field(i, F_OBJ);
    const stack = depthOf.get(cpu) ?? [];
    depthOf.set(cpu, stack);
    const open = held.get(lane) ?? [];
    held.set(lane, open);
    // a wait ends at the context's next event
    const w = waiting.get(lane);
    if (w && (w.kind === 'sleep' || (op === Op.LOCK_ACQUIRE && obj >= 0))) {
      w.end = i;
      waiting.delete(lane);
    }
    const site = siteText(t.strings[ev.field(i, F_SITE)] ?? '');
    const fnName = KFN_NAMES[ev.field(i, F_FN)] ?? '?';
    events.push({
      seq: i,
      lane,
      depth: stack.length,
      ctx: CTX_NAMES[ev.field(i, F_CTX)] ?? '?',
      op: OP_NAMES[op] ?? `op${op}`,
      text:
        describeEvent(ev, i, names) ??
        (op === Op.TASK_START
          ? 'task starts'
          : op === Op.IRQ_EXIT || op === Op.SOFTIRQ_EXIT
            ? `${fnName} returns`
            : op === Op.TASK_END
              ? 'task returns'
              : fnName),
      site: site.where,
      fn: site.fn,
      pcount: ev.field(i, F_PCOUNT),
      irqsOff: (ev.field(i, F_FLAGS) & EvFlag.IRQS_DISABLED) !== 0,
      held: open.map((b) => b.lock),
    });
    switch (op) {
      case Op.LOCK_ACQUIRE: {
        const o = names.objects[obj];
        const cls = o?.key ?? names.objName(obj);
        if (!classes.includes(cls)) classes.push(cls);
        const bar = {
          lane,
          lock: names.objName(obj),
          cls,
          start: i,
          end: ev.length,
          slot: open.length,
          read: /read_|down_read/.test(fnName),
        };
        bars.push(bar);
        open.push(bar);
        break;
      }
      case Op.LOCK_RELEASE: {
        // the lane's own hold first; a lock released by another context (semaphores) next
        let list = open;
        let k = list.map((b) => b.lock).lastIndexOf(names.objName(obj));
        if (k < 0) {
          for (const other of held.values()) {
            k = other.map((b) => b.lock).lastIndexOf(names.objName(obj));
            if (k >= 0) {
              list = other;
              break;
            }
          }
        }
        if (k >= 0) list.splice(k, 1)[0]!.end = i;
        break;
      }
      case Op.LOCK_CONTENDED:
      case Op.BLOCK: {
        const s: Span = {
          lane,
          kind: op === Op.BLOCK ? 'sleep' : 'wait',
          label: `waits for ${names.objName(obj)}`,
          start: i,
          end: ev.length,
          depth: stack.length,
        };
        spans.push(s);
        waiting.set(lane, s);
        break;
      }
      case Op.IRQ_ENTER:
      case Op.SOFTIRQ_ENTER: {
        const s: Span = {
          lane,
          kind: op === Op.IRQ_ENTER ? 'hardirq' : 'softirq',
          label: describeEvent(ev, i, names) ?? fnName,
          start: i,
          end: ev.length,
          depth: stack.length + 1,
        };
        spans.push(s);
        stack.push(s);
        break;
      }
      case Op.IRQ_EXIT:
      case Op.SOFTIRQ_EXIT: {
        const s = stack.pop();
        if (s) s.end = i + 1;
        break;
      }
      case Op.SLEEP:
        if (ev.field(i, F_CTX) === Ctx.TASK && /sleep|schedule|delay/.test(fnName)) {
          spans.push({
            lane,
            kind: 'sleep',
            label: `${fnName}(${ev.field(i, F_A)})`,
            start: i,
            end: i + 1,
            depth: stack.length,
          });
        }
        break;
    }
  }
  for (const l of lanes) l.label = laneLabel(names, l.cpu, l.pid);
  // lanes in CPU order, then in order of appearance
  const order = lanes.map((_, i) => i).sort((a, b) => lanes[a]!.cpu - lanes[b]!.cpu || a - b);
  const renumber = new Map(order.map((old, neu) => [old, neu]));
  const re = (x: { lane: number }): void => void (x.lane = renumber.get(x.lane)!);
  events.forEach(re);
  bars.forEach(re);
  spans.forEach(re);
  return {
    length: ev.length,
    lanes: order.map((i) => lanes[i]!),
    events,
    bars,
    spans,
    waits: waitEdges(events, bars, spans),
    classes,
  };
}

/** Each wait still open at the end of the trial points at the acquisition it waits behind. */
function waitEdges(events: TimelineEvent[], bars: LockBar[], spans: Span[]): WaitEdge[] {
  const out: WaitEdge[] = [];
  const last = events.length;
  for (const s of spans) {
    if (s.kind !== 'wait' || s.end !== last) continue;
    const lock = s.label.replace(/^waits for /, '');
    const holder =
      bars.find((b) => b.lock === lock && b.end === last && b.lane !== s.lane) ??
      bars.find((b) => b.lock === lock && b.end === last);
    if (holder) out.push({ from: s.start, to: holder.start });
  }
  return out;
}
