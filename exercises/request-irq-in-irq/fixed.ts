// request_irq at probe time, in process context.
import { scenario, shared, atomic, atomic_inc, request_irq, IRQ_HANDLED } from 'smpsim';

const handlers = {
  rx: (s: any) => {
    s.rx_count.value = s.rx_count.value + 1;
    return IRQ_HANDLED;
  },
};

export default scenario({
  name: 'request_irq from process context',
  cpus: 1,
  state: { rx_count: shared(0), ticks: atomic(0) },
  handlers,
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        request_irq(21, handlers.rx, 0, 'dev-rx', null);
        for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
      },
    },
  ],
  irqs: [
    { irq: 20, name: 'ctrl', cpus: [0], fires: 1, handler: () => IRQ_HANDLED },
    { irq: 21, name: 'rx', cpus: [0], fires: 1 },
  ],
});
