/**
 * The Linux kernel memory model's litmus tests (tools/memory-model/litmus-tests/), each written
 * as an smpsim scenario: the test's name, herd7's verdict from its header ("Result: Never" or
 * "Sometimes"), its processes as tasks, and its `exists` clause as a check that fails when the
 * outcome is reached. A register the clause names is stored at the end of its process with
 * WRITE_ONCE, after every access of the test, so check() can read it.
 *
 * Pointers (MP+onceassign+derefonce) are small ints: 1 stands for &x, 2 for &z.
 */
export type Verdict = 'Never' | 'Sometimes';

export interface Litmus {
  name: string;
  verdict: Verdict;
  /** state declarations, as scenario source */
  state: string;
  /** each process's body (`s` is the state) */
  procs: string[];
  /** the exists clause over the final state and registers */
  exists: string;
}

const xy = 'x: shared(), y: shared()';
const regs = (...names: string[]): string => names.map((n) => `${n}: shared()`).join(', ');

export const LITMUS: Litmus[] = [
  {
    name: 'CoRR+poonceonce+Once',
    verdict: 'Never',
    state: `x: shared(), ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1);',
      'const r0 = READ_ONCE(s.x); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'CoRW+poonceonce+Once',
    verdict: 'Never',
    state: `x: shared(), ${regs('r0')}`,
    procs: ['const r0 = READ_ONCE(s.x); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.r0, r0);', 'WRITE_ONCE(s.x, 2);'],
    exists: 's.x.value === 2 && s.r0.value === 2',
  },
  {
    name: 'CoWR+poonceonce+Once',
    verdict: 'Never',
    state: `x: shared(), ${regs('r0')}`,
    procs: ['WRITE_ONCE(s.x, 1); const r0 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0);', 'WRITE_ONCE(s.x, 2);'],
    exists: 's.x.value === 1 && s.r0.value === 2',
  },
  {
    name: 'CoWW+poonceonce',
    verdict: 'Never',
    state: 'x: shared()',
    procs: ['WRITE_ONCE(s.x, 1); WRITE_ONCE(s.x, 2);'],
    exists: 's.x.value === 1',
  },
  {
    name: 'IRIW+fencembonceonces+OnceOnce',
    verdict: 'Never',
    state: `${xy}, ${regs('p1r0', 'p1r1', 'p3r0', 'p3r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1);',
      'const r0 = READ_ONCE(s.x); smp_mb(); const r1 = READ_ONCE(s.y); WRITE_ONCE(s.p1r0, r0); WRITE_ONCE(s.p1r1, r1);',
      'WRITE_ONCE(s.y, 1);',
      'const r0 = READ_ONCE(s.y); smp_mb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p3r0, r0); WRITE_ONCE(s.p3r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.p1r1.value === 0 && s.p3r0.value === 1 && s.p3r1.value === 0',
  },
  {
    name: 'IRIW+poonceonces+OnceOnce',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('p1r0', 'p1r1', 'p3r0', 'p3r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1);',
      'const r0 = READ_ONCE(s.x); const r1 = READ_ONCE(s.y); WRITE_ONCE(s.p1r0, r0); WRITE_ONCE(s.p1r1, r1);',
      'WRITE_ONCE(s.y, 1);',
      'const r0 = READ_ONCE(s.y); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p3r0, r0); WRITE_ONCE(s.p3r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.p1r1.value === 0 && s.p3r0.value === 1 && s.p3r1.value === 0',
  },
  {
    name: 'ISA2+pooncelock+pooncelock+pombonce',
    verdict: 'Never',
    state: `${xy}, z: shared(), mylock: spinlock(), ${regs('p1r0', 'p2r1', 'p2r2')}`,
    procs: [
      'spin_lock(s.mylock); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.y, 1); spin_unlock(s.mylock);',
      'spin_lock(s.mylock); const r0 = READ_ONCE(s.y); WRITE_ONCE(s.z, 1); spin_unlock(s.mylock); WRITE_ONCE(s.p1r0, r0);',
      'const r2 = READ_ONCE(s.z); smp_mb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r1, r1); WRITE_ONCE(s.p2r2, r2);',
    ],
    exists: 's.p1r0.value === 1 && s.p2r2.value === 1 && s.p2r1.value === 0',
  },
  {
    name: 'ISA2+poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, z: shared(), ${regs('p1r0', 'p2r0', 'p2r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); WRITE_ONCE(s.y, 1);',
      'const r0 = READ_ONCE(s.y); WRITE_ONCE(s.z, 1); WRITE_ONCE(s.p1r0, r0);',
      'const r0 = READ_ONCE(s.z); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r0, r0); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.p2r0.value === 1 && s.p2r1.value === 0',
  },
  {
    name: 'ISA2+pooncerelease+poacquirerelease+poacquireonce',
    verdict: 'Never',
    state: `${xy}, z: shared(), ${regs('p1r0', 'p2r0', 'p2r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); smp_store_release(s.y, 1);',
      'const r0 = smp_load_acquire(s.y); smp_store_release(s.z, 1); WRITE_ONCE(s.p1r0, r0);',
      'const r0 = smp_load_acquire(s.z); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r0, r0); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.p2r0.value === 1 && s.p2r1.value === 0',
  },
  {
    name: 'LB+fencembonceonce+ctrlonceonce',
    verdict: 'Never',
    state: `${xy}, ${regs('p0r0', 'p1r0')}`,
    procs: [
      'const r0 = READ_ONCE(s.x); if (r0) WRITE_ONCE(s.y, 1); WRITE_ONCE(s.p0r0, r0);',
      'const r0 = READ_ONCE(s.y); smp_mb(); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.p1r0, r0);',
    ],
    exists: 's.p0r0.value === 1 && s.p1r0.value === 1',
  },
  {
    name: 'LB+poacquireonce+pooncerelease',
    verdict: 'Never',
    state: `${xy}, ${regs('p0r0', 'p1r0')}`,
    procs: [
      'const r0 = READ_ONCE(s.x); smp_store_release(s.y, 1); WRITE_ONCE(s.p0r0, r0);',
      'const r0 = smp_load_acquire(s.y); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.p1r0, r0);',
    ],
    exists: 's.p0r0.value === 1 && s.p1r0.value === 1',
  },
  {
    name: 'LB+poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('p0r0', 'p1r0')}`,
    procs: [
      'const r0 = READ_ONCE(s.x); WRITE_ONCE(s.y, 1); WRITE_ONCE(s.p0r0, r0);',
      'const r0 = READ_ONCE(s.y); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.p1r0, r0);',
    ],
    exists: 's.p0r0.value === 1 && s.p1r0.value === 1',
  },
  {
    name: 'LB+unlocklockonceonce+poacquireonce',
    verdict: 'Never',
    state: `${xy}, sl: spinlock(), tl: spinlock(), ${regs('p0r1', 'p1r2')}`,
    procs: [
      'spin_lock(s.sl); const r1 = READ_ONCE(s.x); spin_unlock(s.sl); spin_lock(s.tl); WRITE_ONCE(s.y, 1); spin_unlock(s.tl); WRITE_ONCE(s.p0r1, r1);',
      'const r2 = smp_load_acquire(s.y); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.p1r2, r2);',
    ],
    exists: 's.p0r1.value === 1 && s.p1r2.value === 1',
  },
  {
    name: 'MP+fencewmbonceonce+fencermbonceonce',
    verdict: 'Never',
    state: `${xy}, ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); smp_wmb(); WRITE_ONCE(s.y, 1);',
      'const r0 = READ_ONCE(s.y); smp_rmb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'MP+onceassign+derefonce',
    verdict: 'Never',
    state: `x: shared(), y: shared(2), z: shared(), ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); rcu_assign_pointer(s.y, 1);',
      'rcu_read_lock(); const r0 = rcu_dereference(s.y); const r1 = READ_ONCE(r0 === 1 ? s.x : s.z); rcu_read_unlock(); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'MP+polockmbonce+poacquiresilsil',
    verdict: 'Never',
    state: `lo: spinlock(), x: shared(), ${regs('r1', 'r2', 'r3')}`,
    procs: [
      'spin_lock(s.lo); smp_mb__after_spinlock(); WRITE_ONCE(s.x, 1); spin_unlock(s.lo);',
      'const r1 = smp_load_acquire(s.x); const r2 = spin_is_locked(s.lo) ? 1 : 0; const r3 = spin_is_locked(s.lo) ? 1 : 0; WRITE_ONCE(s.r1, r1); WRITE_ONCE(s.r2, r2); WRITE_ONCE(s.r3, r3);',
    ],
    exists: 's.r1.value === 1 && s.r2.value === 0 && s.r3.value === 1',
  },
  {
    name: 'MP+polockonce+poacquiresilsil',
    verdict: 'Sometimes',
    state: `lo: spinlock(), x: shared(), ${regs('r1', 'r2', 'r3')}`,
    procs: [
      'spin_lock(s.lo); WRITE_ONCE(s.x, 1); spin_unlock(s.lo);',
      'const r1 = smp_load_acquire(s.x); const r2 = spin_is_locked(s.lo) ? 1 : 0; const r3 = spin_is_locked(s.lo) ? 1 : 0; WRITE_ONCE(s.r1, r1); WRITE_ONCE(s.r2, r2); WRITE_ONCE(s.r3, r3);',
    ],
    exists: 's.r1.value === 1 && s.r2.value === 0 && s.r3.value === 1',
  },
  {
    name: 'MP+polocks',
    verdict: 'Never',
    state: `${xy}, mylock: spinlock(), ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); spin_lock(s.mylock); WRITE_ONCE(s.y, 1); spin_unlock(s.mylock);',
      'spin_lock(s.mylock); const r0 = READ_ONCE(s.y); spin_unlock(s.mylock); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'MP+poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); WRITE_ONCE(s.y, 1);',
      'const r0 = READ_ONCE(s.y); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'MP+pooncerelease+poacquireonce',
    verdict: 'Never',
    state: `${xy}, ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); smp_store_release(s.y, 1);',
      'const r0 = smp_load_acquire(s.y); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'MP+porevlocks',
    verdict: 'Never',
    state: `${xy}, mylock: spinlock(), ${regs('r0', 'r1')}`,
    procs: [
      'const r0 = READ_ONCE(s.y); spin_lock(s.mylock); const r1 = READ_ONCE(s.x); spin_unlock(s.mylock); WRITE_ONCE(s.r0, r0); WRITE_ONCE(s.r1, r1);',
      'spin_lock(s.mylock); WRITE_ONCE(s.x, 1); spin_unlock(s.mylock); WRITE_ONCE(s.y, 1);',
    ],
    exists: 's.r0.value === 1 && s.r1.value === 0',
  },
  {
    name: 'MP+unlocklockonceonce+fencermbonceonce',
    verdict: 'Never',
    state: `${xy}, sl: spinlock(), tl: spinlock(), ${regs('r1', 'r2')}`,
    procs: [
      'spin_lock(s.sl); WRITE_ONCE(s.x, 1); spin_unlock(s.sl); spin_lock(s.tl); WRITE_ONCE(s.y, 1); spin_unlock(s.tl);',
      'const r1 = READ_ONCE(s.y); smp_rmb(); const r2 = READ_ONCE(s.x); WRITE_ONCE(s.r1, r1); WRITE_ONCE(s.r2, r2);',
    ],
    exists: 's.r1.value === 1 && s.r2.value === 0',
  },
  {
    name: 'R+fencembonceonces',
    verdict: 'Never',
    state: `${xy}, ${regs('r0')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); smp_mb(); WRITE_ONCE(s.y, 1);',
      'WRITE_ONCE(s.y, 2); smp_mb(); const r0 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0);',
    ],
    exists: 's.y.value === 2 && s.r0.value === 0',
  },
  {
    name: 'R+poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('r0')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); WRITE_ONCE(s.y, 1);',
      'WRITE_ONCE(s.y, 2); const r0 = READ_ONCE(s.x); WRITE_ONCE(s.r0, r0);',
    ],
    exists: 's.y.value === 2 && s.r0.value === 0',
  },
  {
    name: 'S+fencewmbonceonce+poacquireonce',
    verdict: 'Never',
    state: `${xy}, ${regs('r0')}`,
    procs: [
      'WRITE_ONCE(s.x, 2); smp_wmb(); WRITE_ONCE(s.y, 1);',
      'const r0 = smp_load_acquire(s.y); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.r0, r0);',
    ],
    exists: 's.x.value === 2 && s.r0.value === 1',
  },
  {
    name: 'S+poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('r0')}`,
    procs: [
      'WRITE_ONCE(s.x, 2); WRITE_ONCE(s.y, 1);',
      'const r0 = READ_ONCE(s.y); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.r0, r0);',
    ],
    exists: 's.x.value === 2 && s.r0.value === 1',
  },
  {
    name: 'SB+fencembonceonces',
    verdict: 'Never',
    state: `${xy}, ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); smp_mb(); const r0 = READ_ONCE(s.y); WRITE_ONCE(s.r0, r0);',
      'WRITE_ONCE(s.y, 1); smp_mb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 0 && s.r1.value === 0',
  },
  {
    name: 'SB+poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('r0', 'r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); const r0 = READ_ONCE(s.y); WRITE_ONCE(s.r0, r0);',
      'WRITE_ONCE(s.y, 1); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.r1, r1);',
    ],
    exists: 's.r0.value === 0 && s.r1.value === 0',
  },
  {
    name: 'SB+rfionceonce-poonceonces',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('r2', 'r4')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); READ_ONCE(s.x); const r2 = READ_ONCE(s.y); WRITE_ONCE(s.r2, r2);',
      'WRITE_ONCE(s.y, 1); READ_ONCE(s.y); const r4 = READ_ONCE(s.x); WRITE_ONCE(s.r4, r4);',
    ],
    exists: 's.r2.value === 0 && s.r4.value === 0',
  },
  {
    name: 'WRC+poonceonces+Once',
    verdict: 'Sometimes',
    state: `${xy}, ${regs('p1r0', 'p2r0', 'p2r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1);',
      'const r0 = READ_ONCE(s.x); WRITE_ONCE(s.y, 1); WRITE_ONCE(s.p1r0, r0);',
      'const r0 = READ_ONCE(s.y); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r0, r0); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.p2r0.value === 1 && s.p2r1.value === 0',
  },
  {
    name: 'WRC+pooncerelease+fencermbonceonce+Once',
    verdict: 'Never',
    state: `${xy}, ${regs('p1r0', 'p2r0', 'p2r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1);',
      'const r0 = READ_ONCE(s.x); smp_store_release(s.y, 1); WRITE_ONCE(s.p1r0, r0);',
      'const r0 = READ_ONCE(s.y); smp_rmb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r0, r0); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.p2r0.value === 1 && s.p2r1.value === 0',
  },
  {
    name: 'Z6.0+pooncelock+poonceLock+pombonce',
    verdict: 'Never',
    state: `${xy}, z: shared(), mylock: spinlock(), ${regs('p1r0', 'p2r1')}`,
    procs: [
      'spin_lock(s.mylock); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.y, 1); spin_unlock(s.mylock);',
      'spin_lock(s.mylock); smp_mb__after_spinlock(); const r0 = READ_ONCE(s.y); WRITE_ONCE(s.z, 1); spin_unlock(s.mylock); WRITE_ONCE(s.p1r0, r0);',
      'WRITE_ONCE(s.z, 2); smp_mb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.z.value === 2 && s.p2r1.value === 0',
  },
  {
    name: 'Z6.0+pooncelock+pooncelock+pombonce',
    verdict: 'Sometimes',
    state: `${xy}, z: shared(), mylock: spinlock(), ${regs('p1r0', 'p2r1')}`,
    procs: [
      'spin_lock(s.mylock); WRITE_ONCE(s.x, 1); WRITE_ONCE(s.y, 1); spin_unlock(s.mylock);',
      'spin_lock(s.mylock); const r0 = READ_ONCE(s.y); WRITE_ONCE(s.z, 1); spin_unlock(s.mylock); WRITE_ONCE(s.p1r0, r0);',
      'WRITE_ONCE(s.z, 2); smp_mb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.z.value === 2 && s.p2r1.value === 0',
  },
  {
    name: 'Z6.0+pooncerelease+poacquirerelease+fencembonceonce',
    verdict: 'Sometimes',
    state: `${xy}, z: shared(), ${regs('p1r0', 'p2r1')}`,
    procs: [
      'WRITE_ONCE(s.x, 1); smp_store_release(s.y, 1);',
      'const r0 = smp_load_acquire(s.y); smp_store_release(s.z, 1); WRITE_ONCE(s.p1r0, r0);',
      'WRITE_ONCE(s.z, 2); smp_mb(); const r1 = READ_ONCE(s.x); WRITE_ONCE(s.p2r1, r1);',
    ],
    exists: 's.p1r0.value === 1 && s.z.value === 2 && s.p2r1.value === 0',
  },
  {
    name: 'dep+plain',
    verdict: 'Never',
    state: 'x: shared(), y: shared(), z1: shared(), z2: shared()',
    procs: [
      'const a = READ_ONCE(s.x); s.z1.value = a; s.z2.value = s.z1.value; if (s.z2.value === 1) WRITE_ONCE(s.y, 1);',
      'const r = smp_load_acquire(s.y); smp_store_release(s.x, r);',
    ],
    exists: 's.x.value === 1 && s.y.value === 1',
  },
];

/** The scenario module of test `t` under memory model `memory`. */
export function litmusSource(t: Litmus, memory: string): string {
  return `import { scenario, shared, spinlock, READ_ONCE, WRITE_ONCE, smp_mb, smp_wmb, smp_rmb,
  smp_store_release, smp_load_acquire, smp_mb__after_spinlock, spin_lock, spin_unlock, spin_is_locked,
  rcu_read_lock, rcu_read_unlock, rcu_assign_pointer, rcu_dereference } from 'smpsim';

export default scenario({
  name: ${JSON.stringify(t.name)},
  cpus: ${t.procs.length},
  memory: '${memory}',
  state: { ${t.state} },
  tasks: [
${t.procs.map((p, i) => `    { cpu: ${i}, run: (s) => { ${p} } },`).join('\n')}
  ],
  check: (s) => !(${t.exists}) || 'exists clause reached',
});
`;
}
