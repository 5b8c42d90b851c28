// Copy the data out under the lock into a local buffer, drop the lock, then copy_to_user.
import { scenario, spinlock, shared, spin_lock, spin_unlock, copy_to_user } from 'smpsim';

const read = (s: any) => {
  spin_lock(s.dev_lock);
  const n = s.data.value;
  spin_unlock(s.dev_lock);
  copy_to_user(null, n, 4);
};

export default scenario({
  name: 'copy_to_user after dropping the spinlock',
  cpus: 2,
  state: { dev_lock: spinlock(), data: shared(42) },
  tasks: [
    { cpu: 0, run: read },
    { cpu: 1, run: read },
  ],
});
