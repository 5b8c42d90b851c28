/**
 * bad-unlock-balance of a mutex: mutex_unlock by a task that does not own it, which
 * CONFIG_DEBUG_MUTEXES catches as DEBUG_LOCKS_WARN_ON(__owner_task(owner) != current). The
 * machine marks such a release LockFlag.NOT_HELD; which kinds are checked, and the warning's
 * text, is their object-kinds.ts entry (ownerWarning).
 */
import { F_A, F_OBJ, LockFlag, Op } from '../../machine/events.ts';
import { objectKind } from '../../machine/object-kinds.ts';
import { finding, type AtomicRuleType } from './rule.ts';

export const MUTEX_OWNER: AtomicRuleType = {
  ops: [Op.LOCK_RELEASE],
  create: () => ({
    onEvent(s, seq, at) {
      const w = s.w;
      const obj = w[at + F_OBJ]!;
      const info = s.t.layout.objects[obj];
      const warning = info && objectKind(info.kind).ownerWarning;
      if (!info || !warning || (w[at + F_A]! & LockFlag.NOT_HELD) === 0) return;
      const x = s.where(at, 0);
      s.report(
        finding(
          'bad-unlock-balance',
          `${info.kind}-not-owner:${info.key}`,
          warning,
          { ...x, type: 'mutex-owner', lock: obj },
          { ...s.shown(seq, x), locks: [info.name] },
        ),
      );
    },
  }),
};
