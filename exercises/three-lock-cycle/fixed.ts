// One global order a < b < c: CPU2 takes a before c, so no cycle can close.
import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';

const pair = (first: string, second: string) => (s: any) => {
  spin_lock(s[first]);
  spin_lock(s[second]);
  spin_unlock(s[second]);
  spin_unlock(s[first]);
};

export default scenario({
  name: 'three locks in one global order',
  cpus: 3,
  state: { a: spinlock(), b: spinlock(), c: spinlock() },
  tasks: [
    { cpu: 0, run: pair('a', 'b') },
    { cpu: 1, run: pair('b', 'c') },
    { cpu: 2, run: pair('a', 'c') },
  ],
});
