/**
 * The lockdep detector: one pass over each trial's events, reading fields straight from the
 * log. The graph and usage bits persist across the trials of a run (a detector instance per
 * run or replay), as the kernel's persist across uptime; held locks start empty each trial.
 *
 * An acquisition is validated at its first event: LOCK_CONTENDED when the lock was busy (the
 * kernel's lock_acquire runs before spinning), else LOCK_ACQUIRE. The lock is pushed on the
 * held stack at LOCK_ACQUIRE.
 */
import type { Detector, TrialInfo } from '../detector.ts';
import { LOCKDEP, type LockdepData, type LockdepFinding, type LockdepKind } from './finding-data.ts';
import {
  Ctx,
  EV_WORDS,
  EvFlag,
  F_A,
  F_CPU,
  F_CTX,
  F_FLAGS,
  F_OBJ,
  F_OP,
  F_PCOUNT,
  F_TID,
  LockFlag,
  lockSubclass,
  Op,
  SOFTIRQ_MASK,
} from '../../machine/events.ts';
import { LockdepCore } from './core.ts';
import { validateAcquire } from './dependency-checks.ts';
import { releaseLock } from './release.ts';
import { ENABLED_HARDIRQ, ENABLED_SOFTIRQ } from './usage-bits.ts';
import { markHeldLocks } from './usage-checks.ts';

export class LockdepDetector implements Detector<LockdepData, LockdepKind> {
  readonly name = LOCKDEP;
  private readonly core = new LockdepCore();

  history(): string[] {
    return this.core.prov.recordedSegments();
  }

  onTrial(trial: TrialInfo, report: (f: LockdepFinding) => void): void {
    const core = this.core;
    core.beginTrial(trial, report);
    const classes = core.classes;
    const contexts = core.contexts;
    const w = trial.events.words;
    const n = trial.events.length;
    for (let i = 0, o = 0; i < n; i++, o += EV_WORDS) {
      switch (w[o + F_OP]) {
        case Op.LOCK_CONTENDED:
        case Op.LOCK_ACQUIRE: {
          const obj = w[o + F_OBJ]!;
          const flags = w[o + F_A]!;
          const cls = core.classOf(obj, lockSubclass(flags));
          if (cls < 0) break;
          const stack = contexts.current(w[o + F_CPU]!, w[o + F_CTX]!, w[o + F_TID]!);
          const read = flags & LockFlag.READ && classes.hasReaders(obj) ? (flags & LockFlag.RECURSIVE ? 2 : 1) : 0;
          const trylock = flags & LockFlag.TRY ? 1 : 0;
          if (w[o + F_OP] === Op.LOCK_CONTENDED) {
            core.load(w, o);
            validateAcquire(core, stack, cls, read, trylock);
            stack.pendingObj = obj;
            stack.pendingSeq = core.seq;
          } else if (stack.pendingObj === obj) {
            stack.pendingObj = -1;
            stack.push(obj, cls, read, trylock, stack.pendingSeq);
          } else {
            core.load(w, o);
            validateAcquire(core, stack, cls, read, trylock);
            stack.push(obj, cls, read, trylock, core.seq);
          }
          break;
        }
        case Op.LOCK_RELEASE: {
          const obj = w[o + F_OBJ]!;
          if (classes.classOf(obj, 0) < 0) break;
          core.load(w, o);
          releaseLock(core, contexts.current(core.cpu, core.ctx, core.pid), obj);
          break;
        }
        case Op.WAKE: {
          // A wait given up (timeout, signal) ends the pending acquisition without the lock.
          const stack = contexts.current(w[o + F_CPU]!, w[o + F_CTX]!, w[o + F_TID]!);
          if (stack.pendingObj === w[o + F_OBJ]) stack.pendingObj = -1;
          break;
        }
        case Op.IRQS_ON:
          // Only a real off -> on transition, and never inside a hardirq handler.
          if (w[o + F_A] === 1 || w[o + F_CTX] === Ctx.HARDIRQ) break;
          core.load(w, o);
          // The kernel marks the held locks just before irqs come on.
          core.hardirqsEnabled = 0;
          markHeldLocks(core, ENABLED_HARDIRQ);
          if (core.softirqsEnabled) markHeldLocks(core, ENABLED_SOFTIRQ);
          break;
        case Op.BH_ENABLE:
          // Softirqs come on when the count drops to zero; held locks become softirq-unsafe
          // only if hardirqs are on as well.
          if (w[o + F_PCOUNT]! & SOFTIRQ_MASK || w[o + F_FLAGS]! & EvFlag.IRQS_DISABLED) break;
          core.load(w, o);
          markHeldLocks(core, ENABLED_SOFTIRQ);
          break;
        case Op.IRQ_ENTER:
          contexts.enter(w[o + F_CPU]!, Ctx.HARDIRQ);
          break;
        case Op.SOFTIRQ_ENTER:
          contexts.enter(w[o + F_CPU]!, Ctx.SOFTIRQ);
          break;
        case Op.IRQ_EXIT:
        case Op.SOFTIRQ_EXIT:
          contexts.exit(w[o + F_CPU]!);
          break;
        default:
          break;
      }
    }
  }
}
