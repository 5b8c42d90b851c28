// P1: four CPUs contending for one spinlock, many rounds each: nearly every point can switch.
import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';

const ROUNDS = 1000;
const work = (s: { l: any }) => {
  for (let i = 0; i < ROUNDS; i++) {
    spin_lock(s.l);
    spin_unlock(s.l);
  }
};

export default scenario({
  cpus: 4,
  state: { l: spinlock() },
  tasks: [0, 1, 2, 3].map((cpu) => ({ cpu, run: work })),
});
