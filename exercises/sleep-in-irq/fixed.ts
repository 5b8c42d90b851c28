// GFP_ATOMIC never sleeps: it may fail instead, so the handler checks for NULL.
import { scenario, shared, atomic, atomic_inc, kmalloc, kfree, GFP_ATOMIC, IRQ_HANDLED } from 'smpsim';

// process context keeps running on both CPUs while the device interrupts
const work = (s: any) => {
  for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
};

export default scenario({
  name: 'kmalloc(GFP_ATOMIC) in an interrupt handler',
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
        const buf = kmalloc(256, GFP_ATOMIC);
        if (buf === null) return IRQ_HANDLED; // drop the packet, never sleep
        s.received.value = s.received.value + 1;
        kfree(buf);
        return IRQ_HANDLED;
      },
    },
  ],
});
