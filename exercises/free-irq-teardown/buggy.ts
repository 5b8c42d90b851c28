// Driver removal frees the device's private data, then frees its interrupt. Until free_irq()
// returns, the handler can still run on another CPU and use the data: a use-after-free (here
// `freed` stands for the poison KASAN puts on the freed buffer).
import { scenario, shared, request_irq, free_irq, kmalloc, kfree, GFP_KERNEL, IRQ_HANDLED, BUG_ON } from 'smpsim';

const nic_interrupt = (s: any) => {
  BUG_ON(s.freed.value === 1, 'nic_interrupt used priv after kfree');
  s.rx_packets.value = s.rx_packets.value + 1;
  return IRQ_HANDLED;
};

export default scenario({
  name: 'teardown: kfree of the handler data, then free_irq',
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
        // remove(): wrong order
        s.freed.value = 1;
        kfree(s.priv.value);
        free_irq(11, s.priv);
      },
    },
  ],
});
