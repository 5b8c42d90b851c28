/**
 * The machine's held-lock stacks, read back from a trial's events. The runtime keeps one stack
 * per agent in the buffer (a lock with no owner, a counting semaphore, is never on it); each
 * LOCK_ACQUIRE it keeps carries in F_B the 1-based slot the lock took, and each LOCK_RELEASE
 * that found the lock the slot it left (0: nothing changed). A detector that needs what a
 * context holds replays this one record rather than deciding for itself which locks count.
 */
import { F_AGENT, F_B, F_OBJ, F_OP, Op } from './events.ts';

export interface HeldEntry {
  readonly obj: number;
  /** seq of its LOCK_ACQUIRE */
  readonly seq: number;
}

export class HeldRecord {
  private readonly stacks: HeldEntry[][];

  constructor(readonly agents: number) {
    this.stacks = Array.from({ length: agents }, () => []);
  }

  /** A trial starts: nothing is held. */
  reset(): void {
    for (const s of this.stacks) s.length = 0;
  }

  /** Apply event `seq` (at word `at` of `w`) if it changed a held stack. */
  apply(w: Int32Array, at: number, seq: number): void {
    const op = w[at + F_OP];
    if (op !== Op.LOCK_ACQUIRE && op !== Op.LOCK_RELEASE) return;
    const slot = w[at + F_B]!;
    const stack = this.stacks[w[at + F_AGENT]!];
    if (slot === 0 || !stack) return;
    if (op === Op.LOCK_ACQUIRE) {
      stack.length = slot - 1;
      stack.push({ obj: w[at + F_OBJ]!, seq });
    } else {
      stack.splice(slot - 1, 1);
    }
  }

  /** What agent a holds, outermost first. */
  held(agent: number): readonly HeldEntry[] {
    return this.stacks[agent] ?? [];
  }
}
