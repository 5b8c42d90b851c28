/**
 * Turns selftest cases (a family, a lock flavour, an irq kind and an order of its events) into
 * the source of a 1-CPU scenario, as the kernel runs its selftests on one CPU. The cases of a
 * family share one scenario and run one after the other in its task, each on locks of its own
 * (`c<i>_lock_A` …): disjoint lock classes keep them as independent as the kernel's
 * reset_locks() between testcases does, and a finding belongs to the case its locks carry.
 *
 * - process-context events run in the task, one after the other;
 * - a hardirq event runs in the handler of a real interrupt line. The task arms it (an atomic
 *   holding the event's number) and spins until the handler has run it, so the event happens
 *   exactly at its place in the order; firings the strategy makes elsewhere find nothing armed
 *   and take no lock;
 * - a softirq event runs in a real softirq: the task raises it with bottom halves off, and
 *   local_bh_enable() runs it right there. Its body runs with irqs off, as the kernel's
 *   SOFTIRQ_ENTER() has them;
 * - the kernel runs these families with read_lock() forced recursive (force_read_lock_recursive).
 *   Here a reader is recursive in interrupt context (the queued-rwlock rule), so the read-lock
 *   flavour runs process-context events in a softirq: the whole body when the family has only
 *   those, each event (with hardirqs on) in the hardirq variant of an irq family. The softirq
 *   variant cannot do that (softirq context is never softirq-unsafe): see Family.softRlock.
 */
import type { Block, Family, Flavour, IrqKind, Verdict } from './families.ts';

export interface Case {
  /** the kernel's test-function name, e.g. irqsafe3_hard_spin_231 */
  id: string;
  family: Family;
  flavour: Flavour;
  irqKind?: IrqKind;
  /** the events in the order they run (indexes into family.events) */
  order: number[];
  expect: Verdict;
  /** why the verdict is not the kernel's column, when it is not */
  note?: string;
}

type LockKind = 'lock' | 'rwlock' | 'mutex' | 'rwsem';

const FLAVOUR_OPS: Record<Flavour, [LockKind, string, string]> = {
  spin: ['lock', 'spin_lock', 'spin_unlock'],
  wlock: ['rwlock', 'write_lock', 'write_unlock'],
  rlock: ['rwlock', 'read_lock', 'read_unlock'],
  mutex: ['mutex', 'mutex_lock', 'mutex_unlock'],
  wsem: ['rwsem', 'down_write', 'up_write'],
  rsem: ['rwsem', 'down_read', 'up_read'],
};

const FIXED_OPS: Record<string, [LockKind, string]> = {
  L: ['lock', 'spin_lock'],
  U: ['lock', 'spin_unlock'],
  RL: ['rwlock', 'read_lock'],
  RU: ['rwlock', 'read_unlock'],
  WL: ['rwlock', 'write_lock'],
  WU: ['rwlock', 'write_unlock'],
  ML: ['mutex', 'mutex_lock'],
  MU: ['mutex', 'mutex_unlock'],
  RSL: ['rwsem', 'down_read'],
  RSU: ['rwsem', 'up_read'],
  WSL: ['rwsem', 'down_write'],
  WSU: ['rwsem', 'up_write'],
};

const DECL: Record<LockKind, [string, string]> = {
  lock: ['spinlock', 'spinlocks'],
  rwlock: ['rwlock', 'rwlocks'],
  mutex: ['mutex', 'mutexes'],
  rwsem: ['rw_semaphore', 'rw_semaphores'],
};

/** The prefix of the lock names of case number i of a scenario. */
export const casePrefix = (i: number): string => `c${i}_`;

/** The scenario being written: its imports, locks and interrupt-context bodies. */
class Source {
  readonly imports = new Set<string>(['scenario']);
  /** state key -> lock kind and instances (1 scalar, 2 an array of one class) */
  readonly locks = new Map<string, { kind: LockKind; n: number }>();
  readonly hard: string[] = [];
  readonly soft: string[] = [];
  /** events of all cases: each counts itself in events_run when it has run */
  events = 0;

  call(fn: string, arg = ''): string {
    this.imports.add(fn);
    return `${fn}(${arg});`;
  }

  lockRef(prefix: string, kind: LockKind, name: string): string {
    const m = /^([A-DXYZ])([12]?)$/.exec(name);
    if (!m) throw new Error(`selftest: bad lock name ${name}`);
    const key = `${prefix}${kind}_${m[1]}`;
    const had = this.locks.get(key);
    this.locks.set(key, { kind, n: Math.max(m[2] ? 2 : 1, had?.n ?? 1) });
    return m[2] ? `s.${key}[${Number(m[2]) - 1}]` : `s.${key}`;
  }

  /** Run `body` in a softirq raised and run right here (irqs off inside, as SOFTIRQ_ENTER). */
  inSoftirq(body: string, irqsOff: boolean): string {
    const wrapped = irqsOff ? `local_irq_disable(); ${body} local_irq_enable();` : body;
    if (irqsOff) ['local_irq_disable', 'local_irq_enable'].forEach((f) => this.imports.add(f));
    this.soft.push(`(s: any) => { ${wrapped} }`);
    return `atomic_set(s.softirq_event, ${this.soft.length}); local_bh_disable(); raise_softirq(NET_RX_SOFTIRQ); local_bh_enable();`;
  }

  /** Run `body` in the next hardirq: arm it and wait until the handler has run it. */
  inHardirq(body: string): string {
    this.hard.push(`(s: any) => { ${body} }`);
    return `atomic_set(s.irq_event, ${this.hard.length}); while (atomic_read(s.irq_event) !== 0) {}`;
  }
}

/** The code of one case, on the locks of prefix. */
class CaseCode {
  constructor(
    private readonly src: Source,
    private readonly c: Case,
    private readonly prefix: string,
  ) {}

  /** One of the selftest's shorthand operations as a kernel call. */
  private op(macro: string, arg: string): string {
    const { src, c } = this;
    const hard = (c.irqKind ?? 'hard') === 'hard';
    switch (macro) {
      case 'LOCK':
      case 'UNLOCK': {
        const [kind, lock, unlock] = FLAVOUR_OPS[c.flavour];
        return src.call(macro === 'LOCK' ? lock : unlock, src.lockRef(this.prefix, kind, arg));
      }
      case 'IRQ_DISABLE':
        return src.call(hard ? 'local_irq_disable' : 'local_bh_disable');
      case 'IRQ_ENABLE':
        return src.call(hard ? 'local_irq_enable' : 'local_bh_enable');
      case 'HARDIRQ_DISABLE':
        return src.call('local_irq_disable');
      case 'HARDIRQ_ENABLE':
        return src.call('local_irq_enable');
      case 'SOFTIRQ_DISABLE':
        return src.call('local_bh_disable');
      case 'SOFTIRQ_ENABLE':
        return src.call('local_bh_enable');
      default: {
        const fixed = FIXED_OPS[macro];
        if (!fixed) throw new Error(`selftest: unknown operation ${macro}`);
        return src.call(fixed[1], src.lockRef(this.prefix, fixed[0], arg));
      }
    }
  }

  /** An event's operations, then a count of the events that ran (the scenario's check). */
  private body(ops: string): string {
    const out: string[] = [];
    for (const m of ops.matchAll(/(\w+)\((\w*)\)/g)) out.push(this.op(m[1]!, m[2]!));
    out.push(this.src.call('atomic_inc', 's.events_run'));
    return out.join(' ');
  }

  private place(b: Block): string {
    const { src, c } = this;
    const ctx = b.ctx === 'irq' ? (c.irqKind === 'soft' ? 'softirq' : 'hardirq') : b.ctx;
    const body = this.body(b.ops);
    if (ctx === 'hardirq') return src.inHardirq(body);
    if (ctx === 'softirq') return src.inSoftirq(body, true);
    // recursive readers for the read-lock flavour of a hardirq variant: a softirq, irqs on
    if (c.flavour === 'rlock' && c.irqKind === 'hard') return src.inSoftirq(body, false);
    return body;
  }

  /** The case's steps, one line each. */
  steps(): string[] {
    const { c, src } = this;
    const events = c.order.map((i) => c.family.events[i]!);
    src.events += events.length;
    if (c.flavour === 'rlock' && events.every((e) => e.ctx === 'task')) {
      return [src.inSoftirq(events.map((e) => this.body(e.ops)).join(' '), false)];
    }
    return events.map((e) => this.place(e));
  }
}

/** A scenario running `cases` one after the other, case i on the locks of casePrefix(i). */
export function scenarioSource(title: string, cases: Case[]): string {
  const src = new Source();
  const steps: string[] = [];
  cases.forEach((c, i) => {
    steps.push(`// ${c.id}`, ...new CaseCode(src, c, casePrefix(i)).steps());
  });

  const state: string[] = [];
  for (const [key, { kind, n }] of src.locks) {
    const [one, many] = DECL[kind];
    src.imports.add(n > 1 ? many : one);
    state.push(`${key}: ${n > 1 ? `${many}(${n})` : `${one}()`}`);
  }
  ['atomic', 'atomic_read'].forEach((f) => src.imports.add(f));
  state.push('events_run: atomic(0)');
  const extra: string[] = [
    `  check: (s) => atomic_read(s.events_run) === ${src.events} || \`only \${atomic_read(s.events_run)} of ${src.events} selftest events ran\`,`,
  ];
  if (src.hard.length) {
    ['atomic', 'atomic_read', 'atomic_set', 'IRQ_HANDLED'].forEach((f) => src.imports.add(f));
    state.push('irq_event: atomic(0)');
    extra.push(
      `  irqs: [{ irq: 1, name: 'selftest', cpus: [0], fires: 100000, handler: (s) => {
    const k = atomic_read(s.irq_event);
    if (k !== 0) { atomic_set(s.irq_event, 0); HARDIRQ_EVENTS[k - 1]!(s); }
    return IRQ_HANDLED;
  } }],`,
    );
  }
  if (src.soft.length) {
    [
      'atomic',
      'atomic_read',
      'atomic_set',
      'local_bh_disable',
      'local_bh_enable',
      'raise_softirq',
      'NET_RX_SOFTIRQ',
    ].forEach((f) => src.imports.add(f));
    state.push('softirq_event: atomic(0)');
    extra.push(
      `  softirqs: [{ nr: NET_RX_SOFTIRQ, name: 'selftest', handler: (s) => {
    const k = atomic_read(s.softirq_event);
    atomic_set(s.softirq_event, 0);
    SOFTIRQ_EVENTS[k - 1]!(s);
  } }],`,
    );
  }

  return `// lib/locking-selftest.c: ${title}
import { ${[...src.imports].sort().join(', ')} } from 'smpsim';

const HARDIRQ_EVENTS: ((s: any) => void)[] = [
${src.hard.map((h) => `  ${h},`).join('\n')}
];
const SOFTIRQ_EVENTS: ((s: any) => void)[] = [
${src.soft.map((h) => `  ${h},`).join('\n')}
];

export default scenario({
  name: ${JSON.stringify(title)},
  cpus: 1,
  state: {
${state.map((l) => `    ${l},`).join('\n')}
  },
  tasks: [{ cpu: 0, run: (s) => {
${steps.map((l) => `    ${l}`).join('\n')}
  } }],
${extra.join('\n')}
});
`;
}

function permutations(n: number): number[][] {
  if (n <= 1) return [[0]];
  const out: number[][] = [];
  for (const rest of permutations(n - 1)) {
    for (let at = 0; at <= rest.length; at++) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  }
  return out.sort((a, b) => a.join('').localeCompare(b.join('')));
}

const FLAVOUR_ORDER: Flavour[] = ['spin', 'wlock', 'rlock', 'mutex', 'wsem', 'rsem'];

/** Every case of a family, in the kernel's order: by permutation, then irq kind, then flavour. */
export function casesOf(f: Family): Case[] {
  const orders = f.permute ? permutations(f.events.length) : [f.events.map((_, i) => i)];
  const out: Case[] = [];
  for (const order of orders) {
    for (const irqKind of f.irqKinds ?? [undefined]) {
      for (const flavour of FLAVOUR_ORDER) {
        const verdict = f.verdicts[flavour];
        if (!verdict) continue;
        const parts = [f.name];
        if (irqKind) parts.push(irqKind);
        if (Object.keys(f.verdicts).length > 1 || irqKind) parts.push(flavour);
        if (f.permute) parts.push(order.map((i) => i + 1).join(''));
        const override = flavour === 'rlock' && irqKind === 'soft' ? f.softRlock : undefined;
        out.push({
          id: parts.join('_'),
          family: f,
          flavour,
          irqKind,
          order,
          expect: override?.verdict ?? verdict,
          note: override?.why,
        });
      }
    }
  }
  return out;
}
