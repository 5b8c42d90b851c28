// ABBA, fixed: both CPUs take the two spinlocks in the same order (a, then b).
import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';

export default scenario({
  name: 'ABBA fixed by one lock order',
  cpus: 2,
  state: { a: spinlock(), b: spinlock() },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        spin_lock(s.a);
        spin_lock(s.b);
        spin_unlock(s.b);
        spin_unlock(s.a);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        spin_lock(s.a);
        spin_lock(s.b);
        spin_unlock(s.b);
        spin_unlock(s.a);
      },
    },
  ],
});
