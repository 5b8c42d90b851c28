// spin_lock_irq: the interrupt cannot arrive on this CPU while the lock is held.
// (Inside the handler irqs are already off, so it keeps plain spin_lock.)
import {
  scenario,
  spinlock,
  shared,
  spin_lock,
  spin_unlock,
  spin_lock_irq,
  spin_unlock_irq,
  IRQ_HANDLED,
} from 'smpsim';

export default scenario({
  name: 'uniprocessor driver lock taken with spin_lock_irq',
  cpus: 1,
  state: { dev_lock: spinlock(), tx_ring: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        spin_lock_irq(s.dev_lock);
        s.tx_ring.value = s.tx_ring.value + 1;
        spin_unlock_irq(s.dev_lock);
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
