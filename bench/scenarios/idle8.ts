// P6: an 8-CPU machine with one atomic op per CPU, to time how long the machine takes to be warm.
import { scenario, atomic, atomic_inc } from 'smpsim';

export default scenario({
  cpus: 8,
  state: { v: atomic(0) },
  tasks: [0, 1, 2, 3, 4, 5, 6, 7].map((cpu) => ({ cpu, run: (s: { v: any }) => atomic_inc(s.v) })),
});
