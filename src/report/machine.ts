/** Reports of the machine's own findings: deadlock, assertion, exception, exit-state leaks. */
import { formatInterleaving } from './interleaving.ts';
import { Ctx, F_FN, KFN_NAMES } from '../machine/events.ts';
import type { EventRef, RawFinding } from '../check/detector.ts';
import type { MachineData } from '../check/machine-checks.ts';
import type { BlockedContext, CpuLastEvent } from '../check/wait-for.ts';
import type { SystemLock } from '../check/hung-task.ts';
import type { RenderContext } from './render-context.ts';
import { banner, lockLine, scenarioTable, taskId, type TableRow } from './format.ts';

function who(ctx: RenderContext, b: { kind: number; pid: number; cpu: number; nr: number }): string {
  if (b.kind === Ctx.HARDIRQ) {
    const line = ctx.layout.lines[b.nr];
    return `<Interrupt> irq ${line?.irq ?? '?'} (${line?.name ?? '?'}) on CPU${b.cpu}, over ${taskId(ctx, b.pid, b.cpu)},`;
  }
  if (b.kind === Ctx.SOFTIRQ) return `<SoftIRQ> on CPU${b.cpu}, over ${taskId(ctx, b.pid, b.cpu)},`;
  return `${taskId(ctx, b.pid, b.cpu)} on CPU${b.cpu}`;
}

/** What a CPU ran last: its context and call site, or that its task returned. */
function lastRun(ctx: RenderContext, l: CpuLastEvent): string {
  return l.done
    ? `idle, ${taskId(ctx, l.pid, l.cpu)} returned`
    : `${who(ctx, { ...l, nr: -1 })} ran last at ${ctx.site(l.ref)}`;
}

/** The kernel function of the event at `ref` (the call a context went to sleep in). */
function callAt(ctx: RenderContext, ref: EventRef): string | undefined {
  const ev = ctx.events(ref.trial);
  return ev && ref.seq < ev.length ? KFN_NAMES[ev.field(ref.seq, F_FN)] : undefined;
}

/** How a deadlocked context's wait reads: after its name, on the line below, in the table. */
interface WaitShown {
  says: string;
  line: string;
  step: string;
}

function waitShown(ctx: RenderContext, b: BlockedContext): WaitShown {
  const name = ctx.layout.objName(b.waitObj);
  const line = lockLine(ctx, b.waitObj, b.waitRef);
  switch (ctx.layout.objects[b.waitObj]?.kind) {
    case 'work':
      return { says: 'is waiting for work item', line, step: `flush_work(${name});` };
    case 'completion':
      return { says: 'is waiting for completion', line, step: `wait_for_completion(${name});` };
    case 'irq_desc':
      return { says: "is waiting for the line's handlers to finish", line, step: `synchronize_irq(${name});` };
    case 'kthread':
      return { says: 'is waiting for a kthread to exit', line, step: `kthread_stop(${name});` };
    case 'task_state': {
      // asleep until a wake-up: no object is "held", the sleep itself is the wait
      const fn = callAt(ctx, b.waitRef) ?? 'schedule';
      return { says: 'is sleeping until woken up', line: `${fn}(), at: ${ctx.site(b.waitRef)}`, step: `${fn}();` };
    }
    default:
      return { says: 'is trying to acquire lock', line, step: `lock(${name});` };
  }
}

function deadlock(ctx: RenderContext, blocked: BlockedContext[], others: CpuLastEvent[]): string[] {
  const out: string[] = [];
  for (const b of blocked) {
    const kind = ctx.layout.objects[b.waitObj]?.kind;
    const flushing = kind === 'work';
    const wait = waitShown(ctx, b);
    out.push(`${who(ctx, b)} ${wait.says}:`, wait.line);
    if (kind === 'irq_desc' && b.kind === Ctx.HARDIRQ && ctx.layout.objects[b.waitObj]?.index === b.nr)
      out.push('which is the handler it runs in: it waits for itself.');
    if (b.held.length) {
      out.push('but is already holding:');
      b.held.forEach((h, i) => out.push(lockLine(ctx, h.obj, h.ref, ` #${i}: `)));
    }
    const holders = b.holders.map((h) =>
      h.cpu === b.cpu && h.depth < b.depth
        ? 'the code it interrupted on the same CPU'
        : `${taskId(ctx, h.pid, h.cpu)} on CPU${h.cpu}`,
    );
    if (holders.length) out.push(`which is held by ${[...new Set(holders)].join(' and ')}.`);
    else if (flushing) out.push(`which runs on a kworker that cannot go on.`);
    if (b.heldBelow.length) {
      out.push('the interrupted code holds:');
      b.heldBelow.forEach((h, i) => out.push(lockLine(ctx, h.obj, h.ref, ` #${i}: `)));
    }
    out.push('');
  }
  // what happened, in order: acquisitions of the locks involved, then the waits
  // one column per CPU; a CPU whose tasks share it (kworker, several tasks) gets one per task
  const taskPid = (b: BlockedContext): number => (b.kind === Ctx.TASK ? b.pid : -1);
  const keyOf = (b: BlockedContext): string => `${b.cpu}:${taskPid(b)}`;
  const keys = [...new Set(blocked.map(keyOf))].sort((x, y) => Number(x.split(':')[0]) - Number(y.split(':')[0]));
  const shared = (cpu: number): boolean => keys.filter((k) => k.startsWith(`${cpu}:`)).length > 1;
  const headers = keys.map((k) => {
    const [cpu, pid] = k.split(':').map(Number) as [number, number];
    return shared(cpu) && pid >= 0 ? `CPU${cpu} ${ctx.taskName(pid)}` : `CPU${cpu}`;
  });
  const steps: { seq: number; col: number; text: string; irq: boolean }[] = [];
  const seen = new Set<number>();
  for (const b of blocked) {
    const col = Math.max(keys.indexOf(keyOf(b)), 0);
    const waitText = waitShown(ctx, b).step;
    for (const h of b.heldBelow)
      if (!seen.has(h.ref.seq))
        steps.push({ seq: h.ref.seq, col, text: `lock(${ctx.layout.objName(h.obj)});`, irq: false });
    for (const h of b.held)
      if (!seen.has(h.ref.seq))
        steps.push({ seq: h.ref.seq, col, text: `lock(${ctx.layout.objName(h.obj)});`, irq: b.kind !== Ctx.TASK });
    steps.push({ seq: b.waitRef.seq, col, text: waitText, irq: b.kind !== Ctx.TASK });
    [...b.held, ...b.heldBelow].forEach((h) => seen.add(h.ref.seq));
  }
  steps.sort((a, b) => a.seq - b.seq);
  const rows: TableRow[] = [];
  const inIrq = new Set<number>();
  for (const s of steps) {
    if (s.irq && !inIrq.has(s.col)) {
      inIrq.add(s.col);
      rows.push({ col: s.col, text: '<Interrupt>' });
    }
    rows.push({ col: s.col, text: s.irq ? `  ${s.text}` : s.text });
  }
  out.push(' The interleaving that deadlocked:', '', ...scenarioTable(headers, rows), '', ' *** DEADLOCK ***', '');
  // the CPUs outside the cycle: whatever they do cannot end it
  for (const o of others) out.push(`CPU${o.cpu}: not waiting; ${lastRun(ctx, o)}`);
  if (others.length) out.push('');
  return out;
}

/** What a hung task sleeps in, for its call trace. */
function sleepCall(ctx: RenderContext, obj: number): string {
  const kind = ctx.layout.objects[obj]?.kind;
  if (kind === 'completion') return `wait_for_completion(${ctx.layout.objName(obj)})`;
  if (kind === 'kthread') return `kthread_stop(${ctx.layout.objName(obj)})`;
  return 'schedule()';
}

/** khungtaskd's report for each hung task (check_hung_task()), then debug_show_all_locks(). */
function hungTask(ctx: RenderContext, blocked: BlockedContext[], locks: SystemLock[]): string[] {
  const out: string[] = [];
  blocked.forEach((b, i) => {
    const comm = ctx.layout.comm(b.pid, b.cpu);
    if (i > 0) out.push(`INFO: task ${comm}:${b.pid} blocked for more than 120 seconds.`);
    out.push(
      '"echo 0 > /proc/sys/kernel/hung_task_timeout_secs" disables this message.',
      `task:${comm.padEnd(15)} state:D stack:0     pid:${String(b.pid).padEnd(5)} ppid:1      flags:0x00000000`,
      'Call Trace:',
      ` ${sleepCall(ctx, b.waitObj)}`,
      ` at: ${ctx.site(b.waitRef)}`,
      '',
    );
  });
  out.push('Showing all locks held in the system:');
  const byTask = new Map<string, SystemLock[]>();
  for (const l of locks) {
    const k = taskId(ctx, l.pid, l.cpu);
    byTask.set(k, [...(byTask.get(k) ?? []), l]);
  }
  for (const [task, held] of byTask) {
    out.push(`${held.length} lock${held.length === 1 ? '' : 's'} held by ${task}:`);
    held.forEach((h, i) => out.push(lockLine(ctx, h.obj, h.ref, ` #${i}: `)));
  }
  if (byTask.size === 0) out.push('no locks held');
  out.push('', '=============================================', '');
  return out;
}

export function renderMachine(f: RawFinding<MachineData>, ctx: RenderContext): string {
  const d = f.data;
  const out = banner(f.title);
  switch (d.type) {
    case 'deadlock':
      out.push(...deadlock(ctx, d.blocked, d.others));
      break;
    case 'hung-task':
      out.push(...hungTask(ctx, d.blocked, d.locks));
      break;
    case 'check': {
      out.push(`the scenario's check() failed after every CPU finished: ${d.message}`);
      // under a weak memory model the interleaving is the explanation: which store each read
      // returned, and when each buffered store became visible
      const ev = ctx.layout.memory.model === 'sc' ? undefined : ctx.events(d.trial);
      if (ev)
        out.push(
          '',
          `The interleaving (memory model: ${ctx.layout.memory.model}):`,
          '',
          formatInterleaving(ev, ctx.layout),
        );
      break;
    }
    case 'bug':
      out.push(`${d.message}`, `CPU: ${d.cpu}`, ...f.refs.map((r) => `at: ${ctx.site(r)}`));
      break;
    case 'warn':
      out.push(
        d.message ?? `${taskId(ctx, d.pid, d.cpu)}: WARN_ON() condition held`,
        ...f.refs.map((r) => `at: ${ctx.site(r)}`),
      );
      break;
    case 'lockdep-assert':
      out.push(`${taskId(ctx, d.pid, d.cpu)}: ${d.assertion} failed`, ...f.refs.map((r) => `at: ${ctx.site(r)}`));
      break;
    case 'preemptible-cpu-access':
      out.push(`caller is ${d.site}`, `CPU: ${d.cpu} PID: ${d.pid} Comm: ${ctx.layout.comm(d.pid, d.cpu)}`);
      break;
    case 'exception':
      out.push(`CPU: ${d.cpu}`, d.message);
      break;
    case 'step-limit':
      out.push(
        `the trial did not finish within ${d.events} events; the last CPU to run was CPU${d.cpu}.`,
        'Either it livelocks (tasks spinning on each other without end), or it is longer than the cap:',
        `run again with a larger --max-events (or the maxEvents option) to tell which.`,
        '',
        ...d.last.map((l) => {
          const waits = d.blocked
            .filter((b) => b.cpu === l.cpu)
            .map((b) => `${who(ctx, b)} waits for ${ctx.layout.objName(b.waitObj)} since ${ctx.site(b.waitRef)}`);
          return `CPU${l.cpu}: ${lastRun(ctx, l)}${waits.length ? `; ${waits.join('; ')}` : ''}`;
        }),
      );
      break;
    case 'lock-held-at-exit':
      out.push(
        `${taskId(ctx, d.pid, d.cpu)} is leaving the kernel with locks still held!`,
        `${d.held.length} lock${d.held.length === 1 ? '' : 's'} held by ${taskId(ctx, d.pid, d.cpu)}:`,
      );
      d.held.forEach((h, i) => out.push(lockLine(ctx, h.obj, h.ref, ` #${i}: `)));
      break;
    case 'irq-state-leak':
      out.push(
        `${taskId(ctx, d.pid, d.cpu)} returned with ${d.irqsOff ? 'irqs disabled' : 'irqs enabled'}, preempt_count: ${d.pcount.toString(16)}, expected: 0`,
        ...f.refs.map((r) => `task returned at: ${ctx.site(r)}`),
      );
      break;
    case 'mismatch':
      out.push('the token asks for choices this scenario does not offer');
      break;
  }
  return out.join('\n');
}
