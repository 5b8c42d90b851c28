// Dining philosophers on binary semaphores, 5 of them, each taking its lower-numbered fork first
// (the fixed variant: no deadlock). DPOR's space against every interleaving.
import { scenario, semaphores, down, up } from 'smpsim';

const N = 5;
const philosopher = (i: number) => (s: any) => {
  const left = i;
  const right = (i + 1) % N;
  const first = Math.min(left, right);
  const second = Math.max(left, right);
  down(s.fork[first]);
  down(s.fork[second]);
  up(s.fork[second]);
  up(s.fork[first]);
};

export default scenario({
  cpus: N,
  state: { fork: semaphores(N, 1) },
  tasks: Array.from({ length: N }, (_, i) => ({ cpu: i, run: philosopher(i) })),
});
