// The handler only signals: complete() never sleeps and is legal in any context. The task
// that started the transfer is the one that waits for it.
import { scenario, completion, shared, complete, wait_for_completion, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'complete() in the interrupt handler, wait_for_completion() in the task',
  cpus: 1,
  state: { xfer_done: completion(), status: shared(0) },
  tasks: [
    {
      cpu: 0,
      name: 'driver',
      run: (s) => {
        wait_for_completion(s.xfer_done);
        if (s.status.value !== 1) throw new Error('woken before the transfer finished');
      },
    },
  ],
  irqs: [
    {
      irq: 11,
      name: 'dma',
      fires: 1,
      handler: (s) => {
        s.status.value = 1;
        complete(s.xfer_done);
        return IRQ_HANDLED;
      },
    },
  ],
});
