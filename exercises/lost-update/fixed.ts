// The counter is an atomic_t: atomic_inc is one indivisible read-modify-write.
import { scenario, atomic, atomic_inc, atomic_read } from 'smpsim';

const count = (s: any) => {
  for (let i = 0; i < 2; i++) atomic_inc(s.packets);
};

export default scenario({
  name: 'lost update fixed with atomic_inc',
  cpus: 2,
  state: { packets: atomic(0) },
  tasks: [
    { cpu: 0, run: count },
    { cpu: 1, run: count },
  ],
  check: (s) => atomic_read(s.packets) === 4 || `lost update: packets=${atomic_read(s.packets)}, expected 4`,
});
