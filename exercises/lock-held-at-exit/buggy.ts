// An ioctl handler returns early on bad input and forgets the lock it holds.
import { scenario, spinlock, shared, spin_lock, spin_unlock } from 'smpsim';

export default scenario({
  name: 'lock held when the task returns',
  cpus: 1,
  state: { cfg_lock: spinlock(), arg: shared(-1), cfg: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        spin_lock(s.cfg_lock);
        if (s.arg.value < 0) return; // -EINVAL, with cfg_lock still held
        s.cfg.value = s.arg.value;
        spin_unlock(s.cfg_lock);
      },
    },
  ],
});
