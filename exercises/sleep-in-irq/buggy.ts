// The interrupt handler allocates its receive buffer with GFP_KERNEL, which may sleep to
// reclaim memory. An interrupt handler cannot sleep: there is no task to put to sleep.
import { scenario, shared, atomic, atomic_inc, kmalloc, kfree, GFP_KERNEL, IRQ_HANDLED } from 'smpsim';

// process context keeps running on both CPUs while the device interrupts
const work = (s: any) => {
  for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
};

export default scenario({
  name: 'kmalloc(GFP_KERNEL) in an interrupt handler',
  cpus: 2,
  state: { received: shared(0), ticks: atomic(0) },
  tasks: [
    { cpu: 0, run: work },
    { cpu: 1, run: work },
  ],
  irqs: [
    {
      irq: 12,
      name: 'dma',
      fires: 1,
      handler: (s) => {
        const buf = kmalloc(256, GFP_KERNEL);
        s.received.value = s.received.value + 1;
        kfree(buf);
        return IRQ_HANDLED;
      },
    },
  ],
});
