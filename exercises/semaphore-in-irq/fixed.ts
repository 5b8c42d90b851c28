// down_trylock never sleeps: the handler takes the semaphore only if it is free (0 returned)
// and otherwise leaves the command for later.
import { scenario, semaphore, shared, down, up, down_trylock, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'semaphore as a mutex, down_trylock() in an interrupt handler',
  cpus: 2,
  state: { cmd_sem: semaphore(1), cmd: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        down(s.cmd_sem);
        s.cmd.value = s.cmd.value + 1;
        up(s.cmd_sem);
      },
    },
    { cpu: 1, run: () => {} },
  ],
  irqs: [
    {
      irq: 13,
      name: 'ctrl',
      fires: 1,
      handler: (s) => {
        if (down_trylock(s.cmd_sem) !== 0) return IRQ_HANDLED; // busy: retry on the next interrupt
        s.cmd.value = 0;
        up(s.cmd_sem);
        return IRQ_HANDLED;
      },
    },
  ],
});
