// An error path unlocks, then falls through to the common exit, which unlocks again.
import { scenario, spinlock, shared, spin_lock, spin_unlock } from 'smpsim';

export default scenario({
  name: 'double unlock on an error path',
  cpus: 1,
  state: { lock: spinlock(), err: shared(1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        spin_lock(s.lock);
        if (s.err.value) spin_unlock(s.lock); // error: bail out early ...
        spin_unlock(s.lock); // ... and the common exit unlocks again
      },
    },
  ],
});
