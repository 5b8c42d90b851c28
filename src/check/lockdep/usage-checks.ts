/**
 * Irq-usage tracking and its checks (the kernel's mark_usage / mark_lock / mark_lock_irq):
 * a class used in hardirq (softirq) context is irq-safe and must never be taken with that irq
 * enabled, by itself (inconsistent lock state) or by any lock ordered after it (irq lock
 * inversion); a class taken with irqs enabled is irq-unsafe and must never be ordered after an
 * irq-safe one.
 */
import type { LockdepCore } from './core.ts';
import { stateClass } from './dep-graph.ts';
import { TITLES, type IrqScenario } from './finding-data.ts';
import type { HeldStack } from '../held-locks.ts';
import {
  ENABLED_HARDIRQ,
  ENABLED_SOFTIRQ,
  exclusiveBit,
  LOCKF_IRQ,
  stateName,
  stateOf,
  USAGE_DIR_MASK,
  USAGE_READ_MASK,
  USAGE_STR,
  USED,
  USED_IN_HARDIRQ,
  USED_IN_SOFTIRQ,
} from './usage-bits.ts';

/** The order mark_usage() sets bits in (read variants are +1). */
const MARK_ORDER = [USED_IN_HARDIRQ, USED_IN_SOFTIRQ, ENABLED_HARDIRQ, ENABLED_SOFTIRQ, USED];

/**
 * Usage bits of an acquisition of `cls` at the current event, validating every new one.
 * `seq` is the acquisition (its site is the held lock's).
 */
export function markUsage(core: LockdepCore, cls: number, read: number, trylock: number, seq: number): void {
  const r = read ? USAGE_READ_MASK : 0;
  let want = 1 << (USED + r);
  // A trylock cannot wait, so it cannot deadlock against an interrupted holder: no USED_IN.
  if (!trylock) {
    if (core.inHardirq) want |= 1 << (USED_IN_HARDIRQ + r);
    if (core.inSoftirq) want |= 1 << (USED_IN_SOFTIRQ + r);
  }
  if (core.hardirqsEnabled) {
    want |= 1 << (ENABLED_HARDIRQ + r);
    if (core.softirqsEnabled) want |= 1 << (ENABLED_SOFTIRQ + r);
  }
  if ((core.classes.usage[cls]! & want) === want) return;
  for (const base of MARK_ORDER) {
    const bit = base + r;
    if (want & (1 << bit)) markLock(core, cls, read, seq, bit);
  }
}

const chainBuffer: HeldStack[] = [];

/**
 * mark_held_locks(): irqs (softirqs) are being enabled with these locks held, so each becomes
 * unsafe for that irq. Covers the whole task: interrupted contexts below the current one too.
 */
export function markHeldLocks(core: LockdepCore, base: number): void {
  const n = core.contexts.fillChain(core.cpu, core.pid, chainBuffer);
  for (let k = 0; k < n; k++) {
    const s = chainBuffer[k]!;
    for (let i = 0; i < s.n; i++) {
      const read = s.read[i]!;
      markLock(core, s.cls[i]!, read, s.seq[i]!, base + (read ? USAGE_READ_MASK : 0));
    }
  }
}

/** Set one usage bit; when it is new, record where and validate it. */
export function markLock(core: LockdepCore, cls: number, read: number, seq: number, bit: number): void {
  const usage = core.classes.usage;
  const flag = 1 << bit;
  if (usage[cls]! & flag) return;
  usage[cls]! |= flag;
  core.prov.recordUsage(cls, bit, core.seq);
  if (bit < USED) markLockIrq(core, cls, read, seq, bit);
}

function markLockIrq(core: LockdepCore, cls: number, read: number, seq: number, bit: number): void {
  const excl = exclusiveBit(bit);
  if (!validState(core, cls, seq, bit, excl)) return;
  // An exclusive use also conflicts with the opposite read use.
  if (!(bit & USAGE_READ_MASK) && !validState(core, cls, seq, bit, excl + USAGE_READ_MASK)) return;
  // ENABLED looks backwards for an irq-safe lock ordered before this one; USED_IN looks
  // forwards for an irq-unsafe lock ordered after it.
  checkUsageInGraph(core, cls, read, seq, excl, !(bit & USAGE_DIR_MASK));
}

function validState(core: LockdepCore, cls: number, seq: number, bit: number, bad: number): boolean {
  if (!(core.classes.usage[cls]! & (1 << bad))) return true;
  const name = core.name(cls);
  const pair = bit < bad ? `${USAGE_STR[bit]}/${USAGE_STR[bad]}` : `${USAGE_STR[bad]}/${USAGE_STR[bit]}`;
  const signature = `inconsistent-lock-state:${name}:${pair}`;
  if (!core.wants(signature)) return false;
  const registeredAt = core.prov.usageRef(cls, bad);
  const trials = new Set<number>();
  core.addClassTrials(trials, [cls]);
  core.emit({
    kind: 'inconsistent-lock-state',
    signature,
    title: TITLES.usage,
    locks: [name],
    refs: [core.ref(core.seq), core.ref(seq), registeredAt],
    trials,
    data: {
      shape: 'usage',
      pid: core.pid,
      cpu: core.cpu,
      held: core.heldLines(),
      prevUsage: USAGE_STR[bad]!,
      newUsage: USAGE_STR[bit]!,
      irqState: core.irqState(),
      lock: core.lockLine(cls, seq),
      registeredAt,
    },
  });
  return false;
}

/** check_usage_forwards / check_usage_backwards for the conflicting bit `excl` (and its read). */
function checkUsageInGraph(
  core: LockdepCore,
  cls: number,
  read: number,
  seq: number,
  excl: number,
  forwards: boolean,
): void {
  const usage = core.classes.usage;
  const mask = (1 << excl) | (1 << (excl + USAGE_READ_MASK));
  // Along a path that ends in a recursive read only the exclusive usages can conflict.
  const found = core.graph.bfs(
    cls,
    forwards ? read === 2 : read !== 0,
    forwards,
    (c, onlyXr) => ((onlyXr ? usage[c]! & LOCKF_IRQ : usage[c]!) & mask) !== 0,
  );
  if (found < 0) return;
  const other = stateClass(found);
  const irqBit = usage[other]! & (1 << excl) ? excl : excl + USAGE_READ_MASK;
  reportInversion(core, cls, seq, core.graph.path(found), forwards, irqBit);
}

/** print_irq_lock_scenario's choice of the lock shown between the safe and the unsafe one. */
export function irqScenario(core: LockdepCore, safe: number, unsafe: number, prev: number, next: number): IrqScenario {
  const middle = prev === safe ? next : prev;
  return { safe: core.name(safe), middle: core.name(middle), unsafe: core.name(unsafe) };
}

function reportInversion(
  core: LockdepCore,
  root: number,
  seq: number,
  path: number[],
  forwards: boolean,
  irqBit: number,
): void {
  const classes = path.map(stateClass);
  const other = classes[classes.length - 1]!;
  const safe = forwards ? root : other;
  const unsafe = forwards ? other : root;
  const signature = `irq-lock-inversion:${stateOf(irqBit)}:${core.name(safe)}->${core.name(unsafe)}`;
  if (!core.wants(signature)) return;

  // The lock next to the root on the path (the other one itself when they are adjacent).
  const near = classes.length > 1 ? classes[1]! : root;
  const scenario = forwards ? irqScenario(core, root, other, near, other) : irqScenario(core, other, root, near, root);

  const trials = new Set<number>();
  core.addClassTrials(trials, classes);
  const edgeRefs = [];
  const dependencies = [];
  for (let k = classes.length - 1; k >= 0; k--) {
    let at = core.ref(core.seq);
    if (k > 0) {
      const e = core.graph.pathEdge(classes[k - 1]!, classes[k]!, forwards);
      core.prov.addEdgeTrials(trials, e);
      at = core.prov.edgeRef(e);
      edgeRefs.push(at);
    }
    dependencies.push(core.step(classes[k]!, k, at));
  }
  const otherAt = core.prov.usageRef(other, irqBit);
  core.emit({
    kind: 'irq-lock-inversion',
    signature,
    title: TITLES.inversion,
    locks: [core.name(safe), core.name(unsafe)],
    refs: [core.ref(core.seq), core.ref(seq), otherAt, ...edgeRefs],
    trials,
    data: {
      shape: 'inversion',
      pid: core.pid,
      cpu: core.cpu,
      held: core.heldLines(),
      lock: core.lockLine(root, seq),
      forwards,
      irqclass: stateName(irqBit),
      other: core.classLine(other),
      scenario,
      dependencies,
    },
  });
}
