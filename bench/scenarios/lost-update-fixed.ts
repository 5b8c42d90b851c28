// User-path P2, fixed: the same counter as an atomic_t; no finding in any trial.
import { atomic, atomic_inc, atomic_read, scenario } from 'smpsim';

const bump = (s: { x: Parameters<typeof atomic_inc>[0] }) => {
  for (let i = 0; i < 3; i++) atomic_inc(s.x);
};

export default scenario({
  cpus: 2,
  state: { x: atomic(0) },
  tasks: [
    { cpu: 0, run: bump },
    { cpu: 1, run: bump },
  ],
  check: (s) => atomic_read(s.x) === 6 || `lost update: x=${atomic_read(s.x)}, expected 6`,
});
