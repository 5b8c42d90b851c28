/**
 * A trial as an interleaving a person can read: one line per step, one column per CPU, the
 * operations in the scenario's own words and `<Interrupt>` where a handler starts.
 *
 *   CPU0                          CPU1
 *   x.value (read 0)
 *                                 x.value (read 0)
 *                                 x.value = 1
 *   x.value = 1
 *
 * Code running in interrupt context is indented under its `<Interrupt>` line.
 */
import {
  Ctx,
  type EventLog,
  F_A,
  F_B,
  F_CPU,
  F_CTX,
  F_FN,
  F_OBJ,
  KFN_NAMES,
  LockFlag,
  Op,
  OP_NAMES,
} from '../machine/events.ts';

/** What the printer needs to name things: the scenario's layout provides it. */
export interface InterleavingNames {
  readonly ncpus: number;
  objName(id: number): string;
  readonly lines: readonly { irq: number; name: string }[];
}

const MIN_COLUMN = 30;

/** The text of one event, or undefined for bookkeeping events that are not shown. */
export function describeEvent(ev: EventLog, i: number, names: InterleavingNames): string | undefined {
  const op = ev.op(i);
  const fn = KFN_NAMES[ev.field(i, F_FN)] ?? OP_NAMES[op] ?? `op${op}`;
  const objId = ev.field(i, F_OBJ);
  const obj = names.objName(objId);
  const a = ev.field(i, F_A);
  const b = ev.field(i, F_B);
  switch (op) {
    case Op.TASK_START:
      return undefined;
    case Op.TASK_END:
      return a === 1 ? '(task threw)' : undefined;
    case Op.MEM_READ:
      return `${obj}.value (read ${a})${readFrom(b, ev.field(i, F_CPU))}`;
    case Op.MEM_WRITE:
      return `${obj}.value = ${a}`;
    case Op.MEM_READ_ONCE:
      return `READ_ONCE(${obj}) = ${a}${readFrom(b, ev.field(i, F_CPU))}`;
    case Op.STORE_VISIBLE:
      return `(store ${obj} = ${a} becomes visible)`;
    case Op.MEM_WRITE_ONCE:
      return `WRITE_ONCE(${obj}, ${a})`;
    case Op.LOCK_ACQUIRE:
      return a & LockFlag.TRY ? `${fn}(${obj}) = 1` : `${fn}(${obj})`;
    case Op.LOCK_CONTENDED:
      return `${fn}(${obj}) ... waits`;
    case Op.TRYLOCK_FAILED:
      return `${fn}(${obj}) = 0`;
    case Op.LOCK_RELEASE:
      return `${fn}(${obj})`;
    case Op.ATOMIC_READ:
      if (fn === 'smp_load_acquire') return `smp_load_acquire(${obj}) = ${a}${readFrom(b, ev.field(i, F_CPU))}`;
      return fn === 'atomic_read'
        ? `atomic_read(${obj}) = ${a}${readFrom(b, ev.field(i, F_CPU))}`
        : `${fn}(${obj}) fails (${obj} = ${a})`;
    case Op.ATOMIC_SET:
      return `atomic_set(${obj}, ${a})`;
    case Op.ATOMIC_RMW:
    case Op.ATOMIC_RMW_ORDERED:
      return `${fn}(${obj}) = ${a}`;
    case Op.IRQ_ENTER: {
      const line = names.lines[a];
      return `<Interrupt> irq ${b}${line ? ` (${line.name})` : ''}`;
    }
    case Op.IRQ_EXIT:
      return undefined;
    case Op.SOFTIRQ_ENTER:
      return `<Softirq> ${fn === 'irq_handler' || fn === '?' ? a : fn}`;
    case Op.SOFTIRQ_EXIT:
      return undefined;
    case Op.IRQS_OFF:
    case Op.IRQS_ON:
    case Op.BH_DISABLE:
    case Op.BH_ENABLE:
    case Op.PREEMPT_DISABLE:
    case Op.PREEMPT_ENABLE:
      // the lock variants that switch irqs or bh already show as their lock call
      return /^(local_|preempt_)/.test(fn) ? `${fn}()` : undefined;
    case Op.BUG:
      return 'BUG_ON() fired';
    case Op.WARN:
      return 'WARN_ON() fired';
    default:
      return objId >= 0 ? `${fn}(${obj})` : `${fn}()`;
  }
}

/**
 * Where a read's value came from under a weak memory model (F_B of a read: ReadFrom | CPU+1 << 2,
 * kernel/memory-access.ts); nothing for the newest visible store, or under 'sc'.
 */
function readFrom(b: number, reader: number): string {
  const cpu = (b >> 2) - 1;
  switch (b & 3) {
    case 1:
      return ` (its own store, still in CPU${reader}'s buffer)`;
    case 2:
      return ` (an older store: CPU${cpu}'s newer one has not reached CPU${reader} yet)`;
    case 3:
      return ` (CPU${cpu}'s store still in CPU${cpu}'s buffer)`;
    default:
      return '';
  }
}

/** The trial's events as CPU columns, one line per shown event. */
export function formatInterleaving(ev: EventLog, names: InterleavingNames): string {
  const rows: { cpu: number; text: string }[] = [];
  for (let i = 0; i < ev.length; i++) {
    const text = describeEvent(ev, i, names);
    if (text === undefined) continue;
    const inIrq = ev.field(i, F_CTX) !== Ctx.TASK && ev.op(i) !== Op.IRQ_ENTER && ev.op(i) !== Op.SOFTIRQ_ENTER;
    // a store becoming visible shows in the column of the CPU whose buffer it left
    const cpu = ev.op(i) === Op.STORE_VISIBLE ? ev.field(i, F_B) : ev.field(i, F_CPU);
    rows.push({ cpu, text: inIrq ? `  ${text}` : text });
  }
  const width = Math.max(MIN_COLUMN, ...rows.map((r) => r.text.length + 2));
  const header = Array.from({ length: names.ncpus }, (_, c) => `CPU${c}`.padEnd(width))
    .join('')
    .trimEnd();
  return [header, ...rows.map((r) => ' '.repeat(r.cpu * width) + r.text)].join('\n');
}
