// Dining philosophers on binary semaphores, each taking its lower-numbered fork first (the
// fixed variant: no deadlock). DPOR's space against every interleaving (bench/dpor.ts).
import { scenario, semaphores, down, up } from 'smpsim';

export function diningTable(n: number) {
  const philosopher = (i: number) => (s: any) => {
    const left = i;
    const right = (i + 1) % n;
    const first = Math.min(left, right);
    const second = Math.max(left, right);
    down(s.fork[first]);
    down(s.fork[second]);
    up(s.fork[second]);
    up(s.fork[first]);
  };
  return scenario({
    cpus: n,
    state: { fork: semaphores(n, 1) },
    tasks: Array.from({ length: n }, (_, i) => ({ cpu: i, run: philosopher(i) })),
  });
}
