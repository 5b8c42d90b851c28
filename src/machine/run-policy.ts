/**
 * What differs between the machine's two ways of running a trial, as one object the runtime
 * (runtime.ts) is given. Everything else — contexts, the held stack, interrupts nested on an
 * agent's own stack, the event record — is the same in both.
 *
 *   controlled (controlled-policy.ts)  exactly one agent holds the baton; at every scheduling
 *                                      point the strategy picks who runs next
 *   stress (stress-policy.ts)          no baton: every CPU runs at once on its own thread, a
 *                                      random IRQ source raises interrupts
 */
import type { Strategy } from '../sched/strategy.ts';

export interface RunPolicy {
  /** Who is asked at decision points (stress mode asks nobody: a strategy that never chooses). */
  readonly strategy: Strategy;
  /**
   * Locks this policy takes by a path of its own (stress: spinning on the lock word); a kind it
   * does not cover is taken by the common path in locks.ts.
   */
  readonly ownLocks?: LockPath;
  /** A scheduling point, before a kernel call touches shared or irq state. */
  point(): void;
  /**
   * The running context cannot go on (a busy lock, an object it waits for): let the others run
   * once. The caller looks at what it waits for again afterwards.
   */
  waitTurn(): void;
  /** The agent's task returned (or it has none): take what comes until the trial ends. */
  idle(): never;
  /** A fault the scenario opted into: true when it happens. */
  chooseFault(): boolean;
  /** A read with n stores it may return (a weak memory model): the index chosen, 0 the newest. */
  chooseValue(n: number): number;
  /** The seq the next event gets; ends the trial when the log is full. */
  claimSeq(): number;
  /** Events in the trial's log so far. */
  eventCount(): number;
  /** Event `seq` is written: publish it. */
  published(seq: number): void;
  /** End the trial with TrialState `state` and unwind this stack. */
  endTrial(state: number): never;
}

/** Taking, trying and releasing the locks a policy covers itself. */
export interface LockPath {
  covers(obj: number): boolean;
  acquire(obj: number, flags: number, fn: number): boolean;
  tryAcquire(obj: number, flags: number, fn: number): boolean;
  release(obj: number, flags: number, fn: number): void;
}
