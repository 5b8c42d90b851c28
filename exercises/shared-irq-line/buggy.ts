// Two devices share IRQ 17 (IRQF_SHARED). On a shared line every handler is called, and each
// must say whether its own device raised the interrupt. Device A's handler looks at the wrong
// status register, so when A interrupts, both handlers answer IRQ_NONE: nobody cared.
import { scenario, shared, atomic, atomic_inc, request_irq, IRQF_SHARED, IRQ_NONE, IRQ_HANDLED } from 'smpsim';

const handlers = {
  devA: (s: any) => {
    if (s.b_status.value === 0) return IRQ_NONE; // bug: reads device B's status
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
  name: 'shared IRQ line: a handler that does not recognise its own device',
  cpus: 1,
  // device A has raised the line
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
