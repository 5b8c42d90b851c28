// local_irq_save / local_irq_restore around the section, restored on every path.
import { scenario, shared, local_irq_save, local_irq_restore } from 'smpsim';

export default scenario({
  name: 'irq state restored on every path',
  cpus: 1,
  state: { busy: shared(1), regs: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        const flags = local_irq_save();
        if (!s.busy.value) s.regs.value = 1;
        local_irq_restore(flags);
      },
    },
  ],
});
