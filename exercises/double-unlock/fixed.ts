// One exit path, one unlock (the kernel's `goto out_unlock` style).
import { scenario, spinlock, shared, spin_lock, spin_unlock } from 'smpsim';

export default scenario({
  name: 'one unlock on every path',
  cpus: 1,
  state: { lock: spinlock(), err: shared(1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        spin_lock(s.lock);
        if (!s.err.value) {
          // the normal work would go here
        }
        spin_unlock(s.lock); // out_unlock:
      },
    },
  ],
});
