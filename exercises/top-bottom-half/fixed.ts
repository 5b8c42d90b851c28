// The top half only does atomic_inc and schedules the bottom half; the bottom half takes the
// whole count at once with atomic_xchg. Neither can lose the other's update.
import { scenario, atomic, atomic_inc, atomic_add, atomic_xchg, tasklet, tasklet_schedule, IRQ_HANDLED } from 'smpsim';

const work = (s: any) => {
  for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
};

export default scenario({
  name: 'top half and bottom half share an atomic_t',
  cpus: 2,
  state: {
    pending: atomic(0),
    processed: atomic(0),
    ticks: atomic(0),
    rx_bh: tasklet((s: any) => {
      atomic_add(atomic_xchg(s.pending, 0), s.processed);
    }),
  },
  tasks: [
    { cpu: 0, run: work },
    { cpu: 1, run: work },
  ],
  irqs: [
    {
      irq: 10,
      name: 'eth0',
      fires: 2,
      handler: (s) => {
        atomic_inc(s.pending);
        tasklet_schedule(s.rx_bh);
        return IRQ_HANDLED;
      },
    },
  ],
});
