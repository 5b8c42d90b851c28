// A semaphore initialised to 1 serves as a mutex for the device's command buffer. Process
// context uses down()/up(); the interrupt handler also calls down(), which sleeps when the
// semaphore is taken: sleeping in interrupt context.
import { scenario, semaphore, shared, down, up, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'semaphore as a mutex, down() in an interrupt handler',
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
        down(s.cmd_sem);
        s.cmd.value = 0;
        up(s.cmd_sem);
        return IRQ_HANDLED;
      },
    },
  ],
});
