/**
 * Schedules as fast-check values. A schedule is the list of choices the controlled scheduler
 * consumes: at each decision with two or more options, an index into them, 0 meaning "nothing
 * changes, the current CPU goes on"; past the end of the list every choice is 0.
 *
 * The arbitrary does not draw that dense list directly. It draws a short list of *switches*,
 * each "at decision `at`, take option 1 + `pick`", and lays them over a list of zeros. So:
 *  - removing an element (fast-check's first shrink of an array) removes one context switch
 *    or one interrupt: a shrunk schedule has as few of them as still fail;
 *  - `pick` shrinks toward 0, i.e. option 1: the first other CPU rather than a later CPU or an
 *    interrupt (interrupt options come after every CPU in the option list);
 *  - `at` shrinks toward 0: the switch moves as early as it can.
 * Choices are taken modulo the options there are (lenient replay), so every value is valid.
 * Under a weak memory model a buffered store draining is an option too, after every CPU and
 * interrupt: a shrunk schedule drains stores only where it must (or at the end).
 */
import fc from 'fast-check';
import { encodeToken, segment } from '../sched/token.ts';
import { isObjectDecl, type ScenarioDef } from '../machine/declarations.ts';
import { SB_CAP } from '../machine/memory-region.ts';

/** How big the schedules of a scenario should be. */
export interface ScheduleShape {
  cpus: number;
  /** decisions a trial makes (positions a switch may go to) */
  decisions: number;
  /** largest option count at a decision: CPUs plus irq deliveries */
  options: number;
  /** most switches (context switches plus interrupts) in one schedule */
  maxSwitches: number;
}

export interface Switch {
  at: number;
  pick: number;
}

/** The dense choice list of a set of switches (a later switch at the same decision wins). */
export function choicesOf(switches: readonly Switch[]): number[] {
  const len = switches.reduce((m, s) => Math.max(m, s.at + 1), 0);
  const out = new Array<number>(len).fill(0);
  for (const s of switches) out[s.at] = 1 + s.pick;
  return out;
}

/** fc arbitrary of schedules (dense choice lists) that shrinks toward fewer switches. */
export function scheduleArbitrary(shape: ScheduleShape): fc.Arbitrary<number[]> {
  const sw = fc.record({
    at: fc.nat({ max: Math.max(shape.decisions - 1, 0) }),
    pick: fc.nat({ max: Math.max(shape.options - 2, 0) }),
  });
  return fc.array(sw, { maxLength: shape.maxSwitches }).map(choicesOf);
}

/** The shape of a scenario's schedules from its declaration and one unpreempted trial. */
export function shapeOf(def: ScenarioDef, decisionsSeen: number, maxSwitches?: number): ScheduleShape {
  // each line on each CPU of its affinity; with timers declared, each CPU's timer tick too
  const timerTicks = Object.values(def.state ?? {}).some((v) => isObjectDecl(v) && v.kind === 'timer') ? def.cpus : 0;
  const irqOptions = (def.irqs ?? []).reduce((n, l) => n + (l.cpus?.length ?? def.cpus), 0) + timerTicks;
  // under a weak memory model, each CPU's buffered stores that may drain (after every other option)
  const flushes = def.memory === 'weak' ? def.cpus * SB_CAP : def.memory === 'tso' ? def.cpus : 0;
  // preemptions make trials longer (spinning, interrupts): leave room past the plain run
  const decisions = Math.max(4, decisionsSeen * 2 + 4 * irqOptions);
  return {
    cpus: def.cpus,
    decisions,
    options: def.cpus + irqOptions + flushes,
    maxSwitches: maxSwitches ?? Math.min(8, decisions),
  };
}

/** A replay token for a generated schedule (replayed leniently). */
export function scheduleToken(cpus: number, choices: readonly number[]): string {
  return encodeToken({ strategy: 'fuzz', seed: 0, cpus }, [segment(0, choices)]);
}

/** Context switches and interrupts a schedule makes: its choices other than 0. */
export function switchCount(choices: readonly number[]): number {
  return choices.filter((c) => c !== 0).length;
}
