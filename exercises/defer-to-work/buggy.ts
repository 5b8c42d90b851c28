// The handler waits for the device to settle with msleep(): interrupt context cannot sleep.
import { scenario, atomic, atomic_inc, atomic_read, msleep, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'msleep() in an interrupt handler',
  cpus: 2,
  state: { resets: atomic(0), irqs: atomic(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        atomic_read(s.resets);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        atomic_read(s.resets);
      },
    },
  ],
  irqs: [
    {
      irq: 14,
      name: 'sensor',
      fires: 1,
      handler: (s) => {
        atomic_inc(s.irqs);
        msleep(5); // let the sensor settle, then reset it
        atomic_inc(s.resets);
        return IRQ_HANDLED;
      },
    },
  ],
  check: (s) => atomic_read(s.resets) === atomic_read(s.irqs) || 'a reset was lost',
});
