// Process context disables local interrupts while it holds the lock (spin_lock_irqsave);
// the handler already runs with irqs off and keeps plain spin_lock.
import {
  scenario,
  spinlock,
  shared,
  spin_lock,
  spin_unlock,
  spin_lock_irqsave,
  spin_unlock_irqrestore,
  IRQ_HANDLED,
} from 'smpsim';

const bump = (s: any) => {
  const flags = spin_lock_irqsave(s.stats_lock);
  s.rx_bytes.value = s.rx_bytes.value + 64;
  spin_unlock_irqrestore(s.stats_lock, flags);
};

export default scenario({
  name: 'lock shared with a hardirq handler, taken with spin_lock_irqsave',
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
        spin_lock(s.stats_lock);
        s.rx_bytes.value = s.rx_bytes.value + 64;
        spin_unlock(s.stats_lock);
        return IRQ_HANDLED;
      },
    },
  ],
});
