/**
 * Validation of one acquisition against the held locks of its context and the dependency
 * graph (the kernel's validate_chain): taking a class already held (recursive locking), closing
 * a strong cycle (circular dependency), and ordering an irq-unsafe lock after an irq-safe one
 * (safe -> unsafe lock order). New dependencies are then recorded; a known one costs one
 * matrix read.
 */
import type { LockdepCore } from './core.ts';
import { depBit, stateClass } from './dep-graph.ts';
import { TITLES } from './finding-data.ts';
import type { HeldStack } from '../held-locks.ts';
import { irqScenario, markUsage } from './usage-checks.ts';
import {
  exclusiveMask,
  findExclusiveMatch,
  LOCKF_ENABLED_IRQ_ALL,
  LOCKF_IRQ,
  LOCKF_USED_IN_IRQ_ALL,
  originalMask,
  stateName,
  stateOf,
} from './usage-bits.ts';

/**
 * lock_acquire() at the current event: `stack` is the acquiring context's held locks (the new
 * lock not on it yet).
 */
export function validateAcquire(core: LockdepCore, stack: HeldStack, cls: number, read: number, trylock: number): void {
  markUsage(core, cls, read, trylock, core.seq);
  // A trylock never waits: it adds no dependency of its own.
  if (trylock) return;
  if (!checkDeadlock(core, stack, cls, read)) return;
  // Dependencies on every trylock directly below, and on the first real acquisition (which
  // already depends on everything under it).
  for (let i = stack.n - 1; i >= 0; i--) {
    checkPrevAdd(core, stack, i, cls, read);
    if (!stack.trylock[i]) break;
  }
}

/** check_deadlock(): is this class already held by the same context? */
function checkDeadlock(core: LockdepCore, stack: HeldStack, cls: number, read: number): boolean {
  for (let i = 0; i < stack.n; i++) {
    if (stack.cls[i] !== cls) continue;
    // read_lock(l) + recursive read_lock(l) is allowed.
    if (read === 2 && stack.read[i]) continue;
    reportRecursive(core, cls, stack.seq[i]!);
    return false;
  }
  return true;
}

function reportRecursive(core: LockdepCore, cls: number, prevSeq: number): void {
  const signature = `recursive-locking:${core.name(cls)}`;
  if (!core.wants(signature)) return;
  const trials = new Set<number>();
  core.addClassTrials(trials, [cls]);
  core.emit({
    kind: 'recursive-locking',
    signature,
    title: TITLES.recursive,
    locks: [core.name(cls)],
    refs: [core.ref(core.seq), core.ref(prevSeq)],
    trials,
    data: {
      shape: 'recursive',
      pid: core.pid,
      cpu: core.cpu,
      held: core.heldLines(),
      next: core.lockLine(cls, core.seq),
      prev: core.lockLine(cls, prevSeq),
    },
  });
}

/** check_prev_add(): the dependency held[i] -> cls. */
function checkPrevAdd(core: LockdepCore, stack: HeldStack, i: number, next: number, nextRead: number): void {
  const prev = stack.cls[i]!;
  const prevRead = stack.read[i]!;
  const kind = depBit(prevRead, nextRead);
  const graph = core.graph;
  if (graph.depOf(prev, next) & (1 << kind)) return;
  // The checks report; the dependency is recorded regardless, so that it is not checked again
  // in every later trial.
  if (checkNoncircular(core, stack, i, next, nextRead)) checkIrqUsage(core, stack, i, next, nextRead);
  const e = graph.add(prev, next, 1 << kind);
  core.prov.recordEdge(e, kind, core.seq, core.cpu);
}

/**
 * Would prev -> next close a cycle? Search forwards from next for prev along strong paths;
 * the cycle is strong if the new edge starts exclusive or the path ends non-recursive.
 */
function checkNoncircular(core: LockdepCore, stack: HeldStack, i: number, next: number, nextRead: number): boolean {
  const prev = stack.cls[i]!;
  const prevRead = stack.read[i]!;
  const found = core.graph.bfs(next, nextRead === 2, true, (c, onlyXr) => c === prev && (prevRead === 0 || !onlyXr));
  if (found < 0) return true;
  if (next === prev) reportRecursive(core, next, stack.seq[i]!);
  else reportCircular(core, stack, i, next, nextRead, core.graph.path(found));
  return false;
}

function reportCircular(
  core: LockdepCore,
  stack: HeldStack,
  i: number,
  next: number,
  nextRead: number,
  path: number[],
): void {
  const classes = path.map(stateClass);
  const names = classes.map((c) => core.name(c));
  // The cycle next -> … -> prev -> next, started at its smallest name: the same bug found
  // from any of its edges has one signature.
  let start = 0;
  for (let k = 1; k < names.length; k++) if (names[k]! < names[start]!) start = k;
  const cycle = [...names.slice(start), ...names.slice(0, start)];
  const signature = `circular-dependency:${cycle.join(' -> ')}`;
  if (!core.wants(signature)) return;

  const prev = stack.cls[i]!;
  const depth = classes.length - 1;
  const trials = new Set<number>();
  core.addClassTrials(trials, classes);
  const chain = [];
  const edgeRefs = [];
  const cpus = [];
  for (let k = depth; k >= 1; k--) {
    const e = core.graph.edge(classes[k - 1]!, classes[k]!);
    core.prov.addEdgeTrials(trials, e);
    const at = core.prov.edgeRef(e);
    edgeRefs.push(at);
    cpus.push(core.prov.edgeCpuOf(e));
    chain.push({ depth: k, cls: core.classLine(classes[k]!), at });
  }
  chain.push({ depth: 0, cls: core.classLine(next), at: core.ref(core.seq) });
  core.emit({
    kind: 'circular-dependency',
    signature,
    title: TITLES.circular,
    locks: cycle,
    refs: [core.ref(core.seq), core.ref(stack.seq[i]!), ...edgeRefs],
    trials,
    otherCpus: cpus,
    data: {
      shape: 'circular',
      pid: core.pid,
      cpu: core.cpu,
      held: core.heldLines(),
      next: core.lockLine(next, core.seq),
      prev: core.lockLine(prev, stack.seq[i]!),
      chain,
      scenario: {
        source: core.name(next),
        parent: core.name(classes[depth - 1]!),
        target: core.name(prev),
        sourceRead: nextRead !== 0,
        targetRead: stack.read[i]! !== 0,
      },
    },
  });
}

/**
 * check_irq_usage(): does prev -> next connect an irq-safe lock (anything strongly ordered
 * before prev, prev included) to an irq-unsafe one (anything strongly ordered after next)?
 */
function checkIrqUsage(core: LockdepCore, stack: HeldStack, i: number, next: number, nextRead: number): void {
  const graph = core.graph;
  const usage = core.classes.usage;
  const prev = stack.cls[i]!;
  const prevXr = stack.read[i]! !== 0;
  const usageOf = (c: number, onlyXr: boolean): number => (onlyXr ? usage[c]! & LOCKF_IRQ : usage[c]!);

  let safeUses = 0;
  graph.bfs(prev, prevXr, false, (c, onlyXr) => {
    safeUses |= usageOf(c, onlyXr);
    return false;
  });
  safeUses &= LOCKF_USED_IN_IRQ_ALL;
  if (!safeUses) return;

  const unsafeMask = exclusiveMask(safeUses);
  const fwd = graph.bfs(next, nextRead === 2, true, (c, onlyXr) => (usageOf(c, onlyXr) & unsafeMask) !== 0);
  if (fwd < 0) return;
  const forwardPath = graph.path(fwd).map(stateClass);
  const unsafe = stateClass(fwd);

  // Only the ENABLED usages of the unsafe lock: its own USED_IN ones say nothing here.
  const safeMask = originalMask(usage[unsafe]! & LOCKF_ENABLED_IRQ_ALL);
  const bwd = graph.bfs(prev, prevXr, false, (c, onlyXr) => (usageOf(c, onlyXr) & safeMask) !== 0);
  if (bwd < 0) return;
  const backwardPath = graph.path(bwd).map(stateClass);
  const safe = stateClass(bwd);

  const pair = findExclusiveMatch(usage[safe]!, usage[unsafe]!);
  if (!pair) return;
  const [safeBit, unsafeBit] = pair;
  reportBadIrqDependency(core, stack, i, next, backwardPath, forwardPath, safeBit, unsafeBit);
}

function reportBadIrqDependency(
  core: LockdepCore,
  stack: HeldStack,
  i: number,
  next: number,
  backwardPath: number[],
  forwardPath: number[],
  safeBit: number,
  unsafeBit: number,
): void {
  const prev = stack.cls[i]!;
  const safe = backwardPath[backwardPath.length - 1]!;
  const unsafe = forwardPath[forwardPath.length - 1]!;
  const signature = `irq-lock-inversion:${stateOf(safeBit)}:${core.name(safe)}->${core.name(unsafe)}`;
  if (!core.wants(signature)) return;

  const graph = core.graph;
  const prov = core.prov;
  const trials = new Set<number>();
  core.addClassTrials(trials, [...backwardPath, ...forwardPath]);

  // print_shortest_lock_dependencies_backwards: from the safe lock down to the held one, each
  // step showing where the step before it was taken.
  const backwards = [];
  for (let k = backwardPath.length - 1; k >= 0; k--) {
    let at = null;
    if (k < backwardPath.length - 1) {
      const e = graph.pathEdge(backwardPath[k]!, backwardPath[k + 1]!, false);
      prov.addEdgeTrials(trials, e);
      at = prov.edgeRef(e);
    }
    backwards.push(core.step(backwardPath[k]!, k, at));
  }
  // print_shortest_lock_dependencies: from the unsafe lock back to the one being acquired.
  const forwards = [];
  for (let k = forwardPath.length - 1; k >= 0; k--) {
    let at = core.ref(core.seq);
    if (k > 0) {
      const e = graph.pathEdge(forwardPath[k - 1]!, forwardPath[k]!, true);
      prov.addEdgeTrials(trials, e);
      at = prov.edgeRef(e);
    }
    forwards.push(core.step(forwardPath[k]!, k, at));
  }

  const irqclass = stateName(safeBit);
  const safeAt = prov.usageRef(safe, safeBit);
  const unsafeAt = prov.usageRef(unsafe, unsafeBit);
  core.emit({
    kind: 'irq-lock-inversion',
    signature,
    title: TITLES.badIrqDependency(irqclass),
    locks: [core.name(safe), core.name(unsafe)],
    refs: [core.ref(core.seq), core.ref(stack.seq[i]!), safeAt, unsafeAt],
    trials,
    data: {
      shape: 'bad-irq-dependency',
      pid: core.pid,
      cpu: core.cpu,
      held: core.heldLines(),
      irqclass,
      irqState: core.irqState(),
      next: core.lockLine(next, core.seq),
      prev: core.lockLine(prev, stack.seq[i]!),
      prevClass: core.classLine(prev),
      nextClass: core.classLine(next),
      safe: core.classLine(safe),
      safeAt,
      unsafe: core.classLine(unsafe),
      unsafeAt,
      scenario: irqScenario(core, safe, unsafe, prev, next),
      backwards,
      forwards,
    },
  });
}
