// A uniprocessor: one CPU, a driver lock taken with plain spin_lock, and the device's interrupt
// handler that takes the same lock. There is no other CPU to release it.
import { scenario, spinlock, shared, spin_lock, spin_unlock, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'spinlock on a uniprocessor hung by its own interrupt handler',
  cpus: 1,
  state: { dev_lock: spinlock(), tx_ring: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        spin_lock(s.dev_lock);
        s.tx_ring.value = s.tx_ring.value + 1;
        spin_unlock(s.dev_lock);
      },
    },
  ],
  irqs: [
    {
      irq: 11,
      name: 'uart',
      cpus: [0],
      fires: 1,
      handler: (s) => {
        spin_lock(s.dev_lock);
        s.tx_ring.value = 0;
        spin_unlock(s.dev_lock);
        return IRQ_HANDLED;
      },
    },
  ],
});
