// A driver installs its second handler from inside its first interrupt handler.
// request_irq allocates and may sleep: it belongs in process context (probe/open).
import { scenario, shared, atomic, atomic_inc, request_irq, IRQ_HANDLED } from 'smpsim';

const handlers = {
  rx: (s: any) => {
    s.rx_count.value = s.rx_count.value + 1;
    return IRQ_HANDLED;
  },
};

export default scenario({
  name: 'request_irq from interrupt context',
  cpus: 1,
  state: { rx_count: shared(0), ticks: atomic(0) },
  handlers,
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
      },
    },
  ],
  irqs: [
    {
      irq: 20,
      name: 'ctrl',
      cpus: [0],
      fires: 1,
      handler: () => {
        request_irq(21, handlers.rx, 0, 'dev-rx', null);
        return IRQ_HANDLED;
      },
    },
    { irq: 21, name: 'rx', cpus: [0], fires: 1 },
  ],
});
