// The driver starts a transfer and the device raises an interrupt when it is done. The
// handler waits for the transfer's completion itself: wait_for_completion() sleeps, and an
// interrupt handler may not sleep.
import { scenario, completion, shared, complete, wait_for_completion, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'wait_for_completion() in an interrupt handler',
  cpus: 1,
  state: { xfer_done: completion(), status: shared(0) },
  tasks: [
    {
      cpu: 0,
      name: 'driver',
      run: (s) => {
        s.status.value = 1;
        complete(s.xfer_done);
      },
    },
  ],
  irqs: [
    {
      irq: 11,
      name: 'dma',
      fires: 1,
      handler: (s) => {
        wait_for_completion(s.xfer_done);
        s.status.value = 2;
        return IRQ_HANDLED;
      },
    },
  ],
});
