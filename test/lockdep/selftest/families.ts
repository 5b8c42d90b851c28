/**
 * The families of the kernel's lib/locking-selftest.c that apply to spinlocks, rwlocks, mutexes
 * and rw-semaphores, as data: each family is the kernel's events E1..En (blocks of lock operations in one
 * context), the lock flavours it is run with and the kernel's expected verdict for each, and
 * whether its events are run in every order (GENERATE_PERMUTATIONS_n_EVENTS).
 *
 * Operations use the selftest's shorthand: LOCK/UNLOCK take the flavour's lock (spin_lock,
 * write_lock, read_lock, mutex_lock, down_write or down_read), L/U a spinlock, RL/RU and WL/WU
 * an rwlock, ML/MU a mutex, RSL/RSU and WSL/WSU an rw_semaphore; A-D are four classes, X1/X2 (Y1/Y2, Z1/Z2) two instances of one class. IRQ_DISABLE /
 * IRQ_ENABLE are local_irq_* for the hardirq variant and local_bh_* for the softirq one.
 */
import type { FindingKind } from '../../../src/check/finding-kinds.ts';

export type Flavour = 'spin' | 'wlock' | 'rlock' | 'mutex' | 'wsem' | 'rsem';
export type IrqKind = 'hard' | 'soft';
/** where a block runs: process context, the variant's interrupt, or a fixed one */
export type BlockCtx = 'task' | 'irq' | 'hardirq' | 'softirq';
export type Verdict = 'report' | 'silent';

export interface Block {
  ctx: BlockCtx;
  ops: string;
}

export interface Family {
  /** the kernel's print_testname() */
  title: string;
  /** the kernel's function-name stem */
  name: string;
  /** E1, E2 … */
  events: Block[];
  /** run every order of the events (GENERATE_PERMUTATIONS_2/3_EVENTS) */
  permute?: boolean;
  /** hardirq and softirq variants ('irq' blocks and IRQ_DISABLE follow the variant) */
  irqKinds?: IrqKind[];
  /** the flavours it is run with, and the kernel's verdict for each */
  verdicts: Partial<Record<Flavour, Verdict>>;
  /** lockdep findings that count as the report (the kernel only checks that lockdep fired) */
  kinds: FindingKind[];
  /**
   * The read-lock flavour of the softirq variant, where it differs from the kernel's column: the
   * kernel forces its process-context read_lock() recursive, and a recursive reader with
   * softirqs enabled does not exist here (process-context readers are queued-rwlock readers,
   * which wait behind a waiting writer). Lockdep then judges the family as the kernel does
   * without that forcing (compare its queued_read_lock tests below).
   */
  softRlock?: { verdict: Verdict; why: string };
  /**
   * Each case in a scenario of its own: its cases leave the CPU in a state the next would
   * inherit (a spin_unlock too many drops the preempt count below zero; the kernel's dotest()
   * restores it after every case).
   */
  alone?: boolean;
}

const task = (ops: string): Block => ({ ctx: 'task', ops });
const irq = (ops: string): Block => ({ ctx: 'irq', ops });
const hardirq = (ops: string): Block => ({ ctx: 'hardirq', ops });
const softirq = (ops: string): Block => ({ ctx: 'softirq', ops });

const lu2 = (x: string, y: string) => `LOCK(${x}) LOCK(${y}) UNLOCK(${y}) UNLOCK(${x})`;

const CIRCULAR: FindingKind[] = ['circular-dependency'];
const RECURSIVE: FindingKind[] = ['recursive-locking'];
/** a lock both irq-safe and irq-unsafe itself */
const USAGE: FindingKind[] = ['inconsistent-lock-state'];
/** an irq-safe lock ordered before an irq-unsafe one */
const INVERSION: FindingKind[] = ['irq-lock-inversion'];

/** DO_TESTCASE_6R: every flavour reports except rwlock read locks, which may recurse (rwsem readers may not). */
const SIX_R: Family['verdicts'] = {
  spin: 'report',
  wlock: 'report',
  rlock: 'silent',
  mutex: 'report',
  wsem: 'report',
  rsem: 'report',
};
/** DO_TESTCASE_3 / 3RW: spin and write locks report, read locks do not. */
const THREE: Family['verdicts'] = { spin: 'report', wlock: 'report', rlock: 'silent' };
/** DO_TESTCASE_2RW: the write lock reports, the read lock does not. */
const TWO_RW: Family['verdicts'] = { wlock: 'report', rlock: 'silent' };
const HARD_SOFT: IrqKind[] = ['hard', 'soft'];
const QUEUED_READER =
  'softirq variant: the process-context read_lock is a queued (non-recursive) reader here, so the path from the irq-safe lock to it is strong';

const cycle = (title: string, name: string, ...pairs: [string, string][]): Family => ({
  title,
  name,
  events: [task(pairs.map(([x, y]) => lu2(x, y)).join(' '))],
  verdicts: SIX_R,
  kinds: CIRCULAR,
});

/** A single-context case of read/write lock mixing (the rlock column only). */
const rw = (title: string, name: string, verdict: Verdict, kinds: FindingKind[], ...events: string[]): Family => ({
  title,
  name,
  events: events.map(task),
  permute: events.length > 1,
  verdicts: { rlock: verdict },
  kinds,
});

/**
 * The rw-semaphore twin of a read/write mixing case (the rsem column): its read side is never
 * recursive, so the kernel expects every one of them to report.
 */
const rsem = (title: string, name: string, kinds: FindingKind[], ops: string): Family => ({
  title,
  name,
  events: [task(ops)],
  verdicts: { rsem: 'report' },
  kinds,
});

/** An irq-context family: every order of its events, hardirq and softirq variants. */
const irqFamily = (
  title: string,
  name: string,
  verdicts: Family['verdicts'],
  kinds: FindingKind[],
  ...events: Block[]
): Family => ({
  title,
  name,
  events,
  permute: true,
  irqKinds: HARD_SOFT,
  verdicts,
  kinds,
});

export const FAMILIES: Family[] = [
  {
    title: 'A-A deadlock',
    name: 'AA',
    events: [task('LOCK(X1) LOCK(X2) UNLOCK(X2) UNLOCK(X1)')],
    verdicts: SIX_R,
    kinds: RECURSIVE,
  },
  cycle('A-B-B-A deadlock', 'ABBA', ['A', 'B'], ['B', 'A']),
  cycle('A-B-B-C-C-A deadlock', 'ABBCCA', ['A', 'B'], ['B', 'C'], ['C', 'A']),
  cycle('A-B-C-A-B-C deadlock', 'ABCABC', ['A', 'B'], ['C', 'A'], ['B', 'C']),
  cycle('A-B-B-C-C-D-D-A deadlock', 'ABBCCDDA', ['A', 'B'], ['B', 'C'], ['C', 'D'], ['D', 'A']),
  cycle('A-B-C-D-B-D-D-A deadlock', 'ABCDBDDA', ['A', 'B'], ['C', 'D'], ['B', 'D'], ['D', 'A']),
  cycle('A-B-C-D-B-C-D-A deadlock', 'ABCDBCDA', ['A', 'B'], ['C', 'D'], ['B', 'C'], ['D', 'A']),
  {
    title: 'double unlock',
    name: 'double_unlock',
    events: [task('LOCK(A) UNLOCK(A) UNLOCK(A)')],
    verdicts: { spin: 'report', wlock: 'report', rlock: 'report', mutex: 'report', wsem: 'report', rsem: 'report' },
    kinds: ['bad-unlock-balance'],
    alone: true,
  },

  rw('recursive read-lock', 'rlock_AA1', 'silent', RECURSIVE, 'RL(X1) RL(X1) RU(X1) RU(X1)'),
  rsem('recursive read-lock', 'rsem_AA1', RECURSIVE, 'RSL(X1) RSL(X1) RSU(X1) RSU(X1)'),
  rw('recursive read-lock #2', 'rlock_AA1B', 'silent', RECURSIVE, 'RL(X1) RL(X2) RU(X2) RU(X1)'),
  rsem('recursive read-lock #2', 'rsem_AA1B', RECURSIVE, 'RSL(X1) RSL(X2) RSU(X2) RSU(X1)'),
  rw('mixed read-write-lock', 'rlock_AA2', 'report', RECURSIVE, 'RL(X1) WL(X2) WU(X2) RU(X1)'),
  rsem('mixed read-write-lock', 'rsem_AA2', RECURSIVE, 'RSL(X1) WSL(X2) WSU(X2) RSU(X1)'),
  rw('mixed write-read-lock', 'rlock_AA3', 'report', RECURSIVE, 'WL(X1) RL(X2) RU(X2) WU(X1)'),
  rsem('mixed write-read-lock', 'rsem_AA3', RECURSIVE, 'WSL(X1) RSL(X2) RSU(X2) WSU(X1)'),
  rw(
    'mixed read-lock/lock-write ABBA',
    'rlock_ABBA1',
    'report',
    CIRCULAR,
    'RL(X1) L(Y1) U(Y1) RU(X1) L(Y1) WL(X1) WU(X1) U(Y1)',
  ),
  rsem(
    'mixed read-lock/lock-write ABBA',
    'rwsem_ABBA1',
    CIRCULAR,
    'RSL(X1) ML(Y1) MU(Y1) RSU(X1) ML(Y1) WSL(X1) WSU(X1) MU(Y1)',
  ),
  rw(
    'mixed read-lock/lock-read ABBA',
    'rlock_ABBA2',
    'silent',
    CIRCULAR,
    'RL(X1) L(Y1) U(Y1) RU(X1) L(Y1) RL(X1) RU(X1) U(Y1)',
  ),
  rsem(
    'mixed read-lock/lock-read ABBA',
    'rwsem_ABBA2',
    CIRCULAR,
    'RSL(X1) ML(Y1) MU(Y1) RSU(X1) ML(Y1) RSL(X1) RSU(X1) MU(Y1)',
  ),
  rw(
    'mixed write-lock/lock-write ABBA',
    'rlock_ABBA3',
    'report',
    CIRCULAR,
    'WL(X1) L(Y1) U(Y1) WU(X1) L(Y1) WL(X1) WU(X1) U(Y1)',
  ),
  rsem(
    'mixed write-lock/lock-write ABBA',
    'rwsem_ABBA3',
    CIRCULAR,
    'WSL(X1) ML(Y1) MU(Y1) WSU(X1) ML(Y1) WSL(X1) WSU(X1) MU(Y1)',
  ),
  rw(
    'chain cached mixed R-L/L-W ABBA',
    'rlock_chaincache_ABBA1',
    'report',
    CIRCULAR,
    'RL(X1) L(Y1) U(Y1) RU(X1) L(Y1) RL(X1) RU(X1) U(Y1) L(Y1) WL(X1) WU(X1) U(Y1)',
  ),
  rw(
    'rlock W1R2/W2R3/W3R1',
    'W1R2_W2R3_W3R1',
    'report',
    CIRCULAR,
    'WL(X1) RL(Y1) RU(Y1) WU(X1)',
    'WL(Y1) RL(Z1) RU(Z1) WU(Y1)',
    'WL(Z1) RL(X1) RU(X1) WU(Z1)',
  ),
  rw(
    'rlock W1W2/R2R3/W3R1',
    'W1W2_R2R3_W3R1',
    'report',
    CIRCULAR,
    'WL(X1) WL(Y1) WU(Y1) WU(X1)',
    'RL(Y1) RL(Z1) RU(Z1) RU(Y1)',
    'WL(Z1) RL(X1) RU(X1) WU(Z1)',
  ),
  rw(
    'rlock W1W2/R2R3/R3W1',
    'W1W2_R2R3_R3W1',
    'silent',
    CIRCULAR,
    'WL(X1) WL(Y1) WU(Y1) WU(X1)',
    'RL(Y1) RL(Z1) RU(Z1) RU(Y1)',
    'RL(Z1) WL(X1) WU(X1) RU(Z1)',
  ),
  rw(
    'rlock W1R2/R2R3/W3W1',
    'W1R2_R2R3_W3W1',
    'silent',
    CIRCULAR,
    'WL(X1) RL(Y1) RU(Y1) WU(X1)',
    'RL(Y1) RL(Z1) RU(Z1) RU(Y1)',
    'WL(Z1) WL(X1) WU(X1) WU(Z1)',
  ),

  irqFamily('irqs-on + irq-safe-A', 'irqsafe1', THREE, USAGE, irq('LOCK(A) UNLOCK(A)'), task('LOCK(A) UNLOCK(A)')),
  {
    title: 'sirq-safe-A => hirqs-on',
    name: 'irqsafe2A',
    events: [softirq('LOCK(A) UNLOCK(A)'), task('HARDIRQ_DISABLE() LOCK(A) HARDIRQ_ENABLE() UNLOCK(A)')],
    permute: true,
    verdicts: THREE,
    kinds: USAGE,
  },
  irqFamily(
    'safe-A + irqs-on',
    'irqsafe2B',
    THREE,
    USAGE,
    irq('LOCK(A) UNLOCK(A)'),
    task('IRQ_DISABLE() LOCK(A) IRQ_ENABLE() UNLOCK(A)'),
  ),
  irqFamily(
    'safe-A + unsafe-B #1',
    'irqsafe3',
    THREE,
    USAGE,
    task(lu2('A', 'B')),
    task('LOCK(B) UNLOCK(B)'),
    irq('LOCK(A) UNLOCK(A)'),
  ),
  irqFamily(
    'safe-A + unsafe-B #2',
    'irqsafe4',
    THREE,
    INVERSION,
    task(`IRQ_DISABLE() ${lu2('A', 'B')} IRQ_ENABLE()`),
    task('LOCK(B) UNLOCK(B)'),
    irq('LOCK(A) UNLOCK(A)'),
  ),
  {
    ...irqFamily(
      'irq lock-inversion',
      'irq_inversion',
      THREE,
      INVERSION,
      task('IRQ_DISABLE() WL(A) LOCK(B) UNLOCK(B) WU(A) IRQ_ENABLE()'),
      task('LOCK(B) UNLOCK(B)'),
      irq('RL(A) RU(A)'),
    ),
    softRlock: { verdict: 'report', why: QUEUED_READER },
  },
  // read-lock / write-lock recursion: E2 is a process-context read of A in each
  irqFamily(
    'irq read-recursion',
    'irq_read_recursion',
    TWO_RW,
    USAGE,
    task('IRQ_DISABLE() WL(A) WU(A) IRQ_ENABLE()'),
    task('RL(A) RU(A)'),
    irq('LOCK(A) L(B) U(B) UNLOCK(A)'),
  ),
  {
    ...irqFamily(
      'irq read-recursion #2',
      'irq_read_recursion2',
      TWO_RW,
      INVERSION,
      task('IRQ_DISABLE() L(B) LOCK(A) UNLOCK(A) U(B) IRQ_ENABLE()'),
      task('RL(A) RU(A)'),
      irq('L(B) U(B)'),
    ),
    softRlock: { verdict: 'report', why: QUEUED_READER },
  },
  {
    ...irqFamily(
      'irq read-recursion #3',
      'irq_read_recursion3',
      TWO_RW,
      INVERSION,
      task('IRQ_DISABLE() WL(B) LOCK(A) UNLOCK(A) WU(B) IRQ_ENABLE()'),
      task('RL(A) RU(A)'),
      irq('RL(B) RU(B)'),
    ),
    softRlock: { verdict: 'report', why: QUEUED_READER },
  },

  {
    title: 'hardirq read-lock/lock-read',
    name: 'queued_read_lock_hardirq_RE_Er',
    events: [hardirq('RL(A) L(B) U(B) RU(A)'), task('HARDIRQ_DISABLE() L(B) RL(A) RU(A) U(B) HARDIRQ_ENABLE()')],
    verdicts: { rlock: 'report' },
    kinds: CIRCULAR,
  },
  {
    title: 'hardirq lock-read/read-lock',
    name: 'queued_read_lock_hardirq_ER_rE',
    events: [hardirq('L(B) RL(A) RU(A) U(B)'), task('HARDIRQ_DISABLE() RL(A) L(B) U(B) RU(A) HARDIRQ_ENABLE()')],
    verdicts: { rlock: 'silent' },
    kinds: CIRCULAR,
  },
  {
    title: 'hardirq inversion',
    name: 'queued_read_lock_hardirq_inversion',
    events: [
      hardirq('L(B) U(B)'),
      task('HARDIRQ_DISABLE() L(B) RL(A) RU(A) U(B) HARDIRQ_ENABLE()'),
      task('RL(A) RU(A)'),
    ],
    verdicts: { rlock: 'report' },
    kinds: INVERSION,
  },
  {
    title: 'hardirq_unsafe_softirq_safe',
    name: 'hardirq_deadlock_softirq_not_deadlock',
    events: [
      task('ML(A) HARDIRQ_DISABLE() L(C) U(C) HARDIRQ_ENABLE() MU(A)'),
      hardirq('L(A) U(A)'),
      task('HARDIRQ_DISABLE() L(A) L(B) U(B) U(A) HARDIRQ_ENABLE()'),
      task('HARDIRQ_DISABLE() L(B) L(C) U(C) U(B) HARDIRQ_ENABLE()'),
      softirq('L(D) U(D)'),
      task('SOFTIRQ_DISABLE() L(D) U(D) SOFTIRQ_ENABLE()'),
      task('HARDIRQ_DISABLE() L(C) L(D) U(D) U(C) HARDIRQ_ENABLE()'),
    ],
    verdicts: { spin: 'report' },
    kinds: ['irq-lock-inversion'],
  },
];
