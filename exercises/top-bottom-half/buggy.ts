// The top half (hardirq) records that data arrived and schedules the bottom half (a tasklet),
// which consumes the count. The count is a plain int: the top half on one CPU and the bottom
// half on another read and write it at the same time.
import { scenario, shared, atomic, atomic_inc, tasklet, tasklet_schedule, IRQ_HANDLED } from 'smpsim';

const work = (s: any) => {
  for (let i = 0; i < 3; i++) atomic_inc(s.ticks);
};

export default scenario({
  name: 'top half and bottom half share a plain counter',
  cpus: 2,
  state: {
    pending: shared(0),
    processed: shared(0),
    ticks: atomic(0),
    rx_bh: tasklet((s: any) => {
      const n = s.pending.value;
      s.pending.value = 0;
      s.processed.value = s.processed.value + n;
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
        s.pending.value = s.pending.value + 1;
        tasklet_schedule(s.rx_bh);
        return IRQ_HANDLED;
      },
    },
  ],
});
