// ABBA: two CPUs take the same two spinlocks in opposite orders.
import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';

export default scenario({
  name: 'ABBA deadlock between two CPUs',
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
        spin_lock(s.b);
        spin_lock(s.a);
        spin_unlock(s.a);
        spin_unlock(s.b);
      },
    },
  ],
});
