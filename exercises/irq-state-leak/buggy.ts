// local_irq_disable on the way in, but an early return skips local_irq_enable: the task goes
// back to user space with interrupts off.
import { scenario, shared, local_irq_disable, local_irq_enable } from 'smpsim';

export default scenario({
  name: 'irqs left disabled on return',
  cpus: 1,
  state: { busy: shared(1), regs: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        local_irq_disable();
        if (s.busy.value) return; // device busy: forgot local_irq_enable()
        s.regs.value = 1;
        local_irq_enable();
      },
    },
  ],
});
