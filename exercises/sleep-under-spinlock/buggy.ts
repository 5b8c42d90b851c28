// A read() implementation copies the device's data to user space while holding the device's
// spinlock. copy_to_user may fault and sleep; a spinlock holder must not.
import { scenario, spinlock, shared, spin_lock, spin_unlock, copy_to_user } from 'smpsim';

const read = (s: any) => {
  spin_lock(s.dev_lock);
  const n = s.data.value;
  copy_to_user(null, n, 4);
  spin_unlock(s.dev_lock);
};

export default scenario({
  name: 'copy_to_user while holding a spinlock',
  cpus: 2,
  state: { dev_lock: spinlock(), data: shared(42) },
  tasks: [
    { cpu: 0, run: read },
    { cpu: 1, run: read },
  ],
});
