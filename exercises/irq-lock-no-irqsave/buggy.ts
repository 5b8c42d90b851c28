// Network statistics updated by process context and by the NIC's interrupt handler.
// Process context takes the lock with plain spin_lock: irqs stay enabled while it is held.
import { scenario, spinlock, shared, spin_lock, spin_unlock, IRQ_HANDLED } from 'smpsim';

const bump = (s: any) => {
  spin_lock(s.stats_lock);
  s.rx_bytes.value = s.rx_bytes.value + 64;
  spin_unlock(s.stats_lock);
};

export default scenario({
  name: 'lock shared with a hardirq handler, taken without irqsave',
  cpus: 2,
  state: { stats_lock: spinlock(), rx_bytes: shared(0) },
  tasks: [
    { cpu: 0, run: bump },
    { cpu: 1, run: bump },
  ],
  irqs: [
    {
      irq: 10,
      name: 'eth0',
      fires: 1,
      handler: (s) => {
        bump(s);
        return IRQ_HANDLED;
      },
    },
  ],
});
