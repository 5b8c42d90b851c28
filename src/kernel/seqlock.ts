/**
 * Sequence locks (include/linux/seqlock.h). A writer makes the count odd, writes, makes it
 * even again; a reader takes the count with read_seqbegin (waiting while it is odd), reads, and
 * retries when read_seqretry says the count moved. A reader that does not retry can use a torn
 * value, half before and half after a write: a scenario's check catches it.
 *
 * seqlock_t's writers serialise on its spinlock, which lockdep sees (write_seqlock is
 * spin_lock, with the _irq, _irqsave and _bh forms); a seqcount_t's writers serialise with a
 * lock of their own. As KCSAN does (kcsan_atomic_next, kcsan_nestable_atomic_begin), the race
 * detector treats the reads of a reader's section and the writes of a writer's section as
 * marked accesses: the sequence count, not happens-before, is what makes them safe.
 *
 * Events: a MARK per sequence step (F_OBJ the object, F_A the count), by F_FN.
 */
import { Access } from '../sched/footprint.ts';
import { LockFlag, Op, kfn } from '../machine/events.ts';
import { RMW_ADD } from '../machine/cells.ts';
import { O } from '../machine/object-words.ts';
import type { CpuRuntime } from '../machine/runtime.ts';
import { thisCpu } from './cpu.ts';
import { lockAs, unlockAs, type Variant } from './lock-variants.ts';
import type { KObject } from './objects.ts';
import { enterOn, initDeclared } from './sleep.ts';

export type Seqlock = KObject & { readonly __kind: 'seqlock' };
export type Seqcount = KObject & { readonly __kind: 'seqcount' };

/** The count's word: a seqlock keeps it after its spinlock's. */
const countAt = (o: Seqlock | Seqcount): number =>
  o.__at + ((o as { __kind: string }).__kind === 'seqlock' ? O.AUX : O.WORD);

/** The writer's step: the count goes odd (begin) or even (end); smp_wmb() on either side. */
function bump(rt: CpuRuntime, o: Seqlock | Seqcount, name: string): void {
  const at = countAt(o);
  const now = (rt.cells.update(at, RMW_ADD, 1) + 1) | 0;
  rt.emit(Op.MARK, o.__id, now, 0, kfn(name));
}

function writeLock(name: string, sl: Seqlock, variant: Variant): number {
  const saved = lockAs(name, sl, 0, variant);
  bump(thisRt(name, sl), sl, name);
  return saved;
}

function writeUnlock(name: string, sl: Seqlock, variant: Variant, saved = 0): void {
  const rt = thisCpu(name);
  enterOn(rt, name, sl);
  bump(rt, sl, name);
  unlockAs(name, sl, 0, variant, saved);
}

/** The runtime, once the lock call has made its scheduling point. */
function thisRt(name: string, o: KObject): CpuRuntime {
  const rt = thisCpu(name);
  enterOn(rt, name, o, Access.WRITE);
  return rt;
}

export const write_seqlock = (sl: Seqlock): void => void writeLock('write_seqlock', sl, 'plain');
export const write_sequnlock = (sl: Seqlock): void => writeUnlock('write_sequnlock', sl, 'plain');
export const write_seqlock_irq = (sl: Seqlock): void => void writeLock('write_seqlock_irq', sl, 'irq');
export const write_sequnlock_irq = (sl: Seqlock): void => writeUnlock('write_sequnlock_irq', sl, 'irq');
/** `const flags = write_seqlock_irqsave(sl)`; give flags back to write_sequnlock_irqrestore. */
export const write_seqlock_irqsave = (sl: Seqlock): number => writeLock('write_seqlock_irqsave', sl, 'irqsave');
export const write_sequnlock_irqrestore = (sl: Seqlock, flags: number): void =>
  writeUnlock('write_sequnlock_irqrestore', sl, 'irqsave', flags);
export const write_seqlock_bh = (sl: Seqlock): void => void writeLock('write_seqlock_bh', sl, 'bh');
export const write_sequnlock_bh = (sl: Seqlock): void => writeUnlock('write_sequnlock_bh', sl, 'bh');

/**
 * seqcount_lockdep_reader_access(): lockdep sees a reader take the seqlock as a recursive read
 * and drop it at once, with irqs off. A reader in an irq handler or a softirq (a timer) thus
 * marks the class IN-HARDIRQ-R or IN-SOFTIRQ-R, and a writer that leaves irqs (bottom halves)
 * on is reported on any run where both have happened, not only where the reader spins
 * forever inside the writer it interrupted.
 */
function readerAccess(rt: CpuRuntime, id: number, fn: number): void {
  const irqsOff = rt.irqsDisabled();
  rt.setIrqsDisabled(true);
  rt.locks.touchMap(id, LockFlag.READ | LockFlag.RECURSIVE, fn);
  rt.setIrqsDisabled(irqsOff);
}

/** Begin a read section: the count once it is even (waiting while a writer is inside). */
function readBegin(name: string, o: Seqlock | Seqcount): number {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, o, Access.READ);
  const fn = kfn(name);
  if (o.__kind === 'seqlock') readerAccess(rt, id, fn);
  // spin (cpu_relax) while the count is odd: not enabled until the writer is done
  rt.waitUntil(id, LockFlag.READ, rt.emit(Op.MARK, id, rt.cells.load(countAt(o)), 1, fn));
  const seq = rt.cells.load(countAt(o));
  rt.emit(Op.MARK, id, seq, 0, fn);
  return seq;
}

/** End a read section: true when a writer came in between, and the section must be retried. */
function readRetry(name: string, o: Seqlock | Seqcount, start: number): boolean {
  const rt = thisCpu(name);
  const id = enterOn(rt, name, o, Access.READ);
  const seq = rt.cells.load(countAt(o));
  rt.emit(Op.MARK, id, seq, start | 0, kfn(name));
  return seq !== (start | 0);
}

export const read_seqbegin = (sl: Seqlock): number => readBegin('read_seqbegin', sl);
export const read_seqretry = (sl: Seqlock, start: number): boolean => readRetry('read_seqretry', sl, start);

export function write_seqcount_begin(s: Seqcount): void {
  bump(thisRt('write_seqcount_begin', s), s, 'write_seqcount_begin');
}
export function write_seqcount_end(s: Seqcount): void {
  bump(thisRt('write_seqcount_end', s), s, 'write_seqcount_end');
}
export const read_seqcount_begin = (s: Seqcount): number => readBegin('read_seqcount_begin', s);
export const read_seqcount_retry = (s: Seqcount, start: number): boolean => readRetry('read_seqcount_retry', s, start);

/** seqlock_init(), seqcount_init(): the declared count is already 0 in every trial (initDeclared). */
export const seqlock_init = (sl: Seqlock): void => initDeclared('seqlock_init', sl);
export const seqcount_init = (s: Seqcount): void => initDeclared('seqcount_init', s);
