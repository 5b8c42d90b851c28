// The handler only acknowledges and queues a work item; the sleeping part runs on the
// CPU's kworker, in process context, where msleep() is allowed.
import { scenario, atomic, atomic_inc, atomic_read, msleep, work, schedule_work, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'deferring the sleeping part to a work item',
  cpus: 2,
  state: {
    resets: atomic(0),
    irqs: atomic(0),
    reset_work: work((s: any) => {
      msleep(5); // let the sensor settle, then reset it
      atomic_inc(s.resets);
    }),
  },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        atomic_read(s.resets);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        atomic_read(s.resets);
      },
    },
  ],
  irqs: [
    {
      irq: 14,
      name: 'sensor',
      fires: 1,
      handler: (s) => {
        atomic_inc(s.irqs);
        schedule_work(s.reset_work);
        return IRQ_HANDLED;
      },
    },
  ],
  check: (s) => atomic_read(s.resets) === atomic_read(s.irqs) || 'a reset was lost',
});
