// The fix: free the interrupt first. free_irq() returns only once no handler of the line runs
// on any CPU (it calls synchronize_irq), so the data can be freed after it.
import { scenario, shared, request_irq, free_irq, kmalloc, kfree, GFP_KERNEL, IRQ_HANDLED, BUG_ON } from 'smpsim';

const nic_interrupt = (s: any) => {
  BUG_ON(s.freed.value === 1, 'nic_interrupt used priv after kfree');
  s.rx_packets.value = s.rx_packets.value + 1;
  return IRQ_HANDLED;
};

export default scenario({
  name: 'teardown: free_irq, then kfree of the handler data',
  cpus: 2,
  state: { priv: shared(0), freed: shared(0), rx_packets: shared(0) },
  handlers: { nic_interrupt },
  irqs: [{ irq: 11, name: 'nic', cpus: [1], fires: 2 }],
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        s.priv.value = kmalloc(64, GFP_KERNEL)!;
        request_irq(11, nic_interrupt, 0, 'nic', s.priv);
        // remove(): the reverse of probe
        free_irq(11, s.priv);
        s.freed.value = 1;
        kfree(s.priv.value);
      },
    },
  ],
});
