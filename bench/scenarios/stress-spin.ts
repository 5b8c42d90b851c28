// P3: two CPUs taking and releasing one spinlock as fast as they can (stress mode).
import { scenario, spinlock, spin_lock, spin_unlock } from 'smpsim';

export const PAIRS = 2000;
const spin = (s: any) => {
  for (let i = 0; i < PAIRS; i++) {
    spin_lock(s.l);
    spin_unlock(s.l);
  }
};

export default scenario({
  name: 'spin_lock/spin_unlock pairs on two CPUs',
  cpus: 2,
  state: { l: spinlock() },
  tasks: [
    { cpu: 0, run: spin },
    { cpu: 1, run: spin },
  ],
});
