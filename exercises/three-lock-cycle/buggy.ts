// Three CPUs, three locks, each CPU takes "its" lock and then the next one: a -> b -> c -> a.
import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';

const pair = (first: string, second: string) => (s: any) => {
  spin_lock(s[first]);
  spin_lock(s[second]);
  spin_unlock(s[second]);
  spin_unlock(s[first]);
};

export default scenario({
  name: 'three-lock cycle over three CPUs',
  cpus: 3,
  state: { a: spinlock(), b: spinlock(), c: spinlock() },
  tasks: [
    { cpu: 0, run: pair('a', 'b') },
    { cpu: 1, run: pair('b', 'c') },
    { cpu: 2, run: pair('c', 'a') },
  ],
});
