// Each handler checks its own device's status: A claims the interrupt (IRQ_HANDLED), B says
// IRQ_NONE, and the line is handled.
import { scenario, shared, atomic, atomic_inc, request_irq, IRQF_SHARED, IRQ_NONE, IRQ_HANDLED } from 'smpsim';

const handlers = {
  devA: (s: any) => {
    if (s.a_status.value === 0) return IRQ_NONE;
    s.a_status.value = 0;
    return IRQ_HANDLED;
  },
  devB: (s: any) => {
    if (s.b_status.value === 0) return IRQ_NONE;
    s.b_status.value = 0;
    return IRQ_HANDLED;
  },
};

const work = (s: any) => {
  for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
};

export default scenario({
  name: 'shared IRQ line: each handler checks its own device',
  cpus: 1,
  state: { a_status: shared(1), b_status: shared(0), ticks: atomic(0) },
  handlers,
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        request_irq(17, handlers.devA, IRQF_SHARED, 'devA', 'a');
        request_irq(17, handlers.devB, IRQF_SHARED, 'devB', 'b');
        work(s);
      },
    },
  ],
  irqs: [{ irq: 17, name: 'shared', cpus: [0], fires: 1 }],
});
