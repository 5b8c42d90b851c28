/**
 * lock_release(): drop the lock from the releasing context's stack. Releasing a lock that
 * context does not hold (never taken, taken by another task, or taken by the context an
 * interrupt interrupted) is a bad unlock balance, as the kernel's find_held_lock() never looks
 * across the irq-context boundary.
 */
import type { LockdepCore } from './core.ts';
import { TITLES } from './finding-data.ts';
import type { HeldStack } from '../held-locks.ts';

export function releaseLock(core: LockdepCore, stack: HeldStack, obj: number): void {
  const i = stack.find(obj);
  if (i >= 0) {
    stack.removeAt(i);
    return;
  }
  const name = core.classes.baseName(obj);
  const signature = `bad-unlock-balance:${name}`;
  if (!core.wants(signature)) return;
  core.emit({
    kind: 'bad-unlock-balance',
    signature,
    title: TITLES.unlockImbalance,
    locks: [name],
    refs: [core.ref(core.seq)],
    trials: new Set<number>(),
    data: {
      shape: 'unlock-imbalance',
      pid: core.pid,
      cpu: core.cpu,
      held: core.heldLines(),
      name,
      at: core.ref(core.seq),
    },
  });
}
