/**
 * The kmalloc heap's bookkeeping, in the buffer's heap region: word 0 is the last handle given,
 * then one state word per handle (LIVE, FREED), so any CPU may free what another allocated and
 * KASAN's verdict (double or invalid free) is read from shared state.
 */
import { HEAP_MAX } from './capacities.ts';
import { KfreeStatus } from './events.ts';

const LIVE = 1;
const FREED = 2;

export class Heap {
  constructor(
    private readonly m: Int32Array,
    private readonly base: number,
  ) {}

  /** Forget every handle (trial start). */
  reset(): void {
    this.m.fill(0, this.base, this.base + 1 + this.m[this.base]!);
  }

  /** A new handle (1, 2 …); throws when the trial has used HEAP_MAX of them. */
  alloc(fn: string): number {
    const h = this.m[this.base]! + 1;
    if (h > HEAP_MAX) throw new Error(`${fn}(): more than ${HEAP_MAX} allocations in one trial (HEAP_MAX)`);
    this.m[this.base] = h;
    this.m[this.base + h] = LIVE;
    return h;
  }

  /** Free handle p: KfreeStatus.OK, or DOUBLE / INVALID (then nothing changes). */
  free(p: number): number {
    const ok = Number.isInteger(p) && p > 0 && p <= this.m[this.base]!;
    const state = ok ? this.m[this.base + p]! : 0;
    if (state === LIVE) {
      this.m[this.base + p] = FREED;
      return KfreeStatus.OK;
    }
    return state === FREED ? KfreeStatus.DOUBLE : KfreeStatus.INVALID;
  }
}
