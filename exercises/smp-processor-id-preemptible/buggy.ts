// A task allowed on both CPUs picks "its" CPU's slot with preemption on: it can migrate right
// after smp_processor_id() returns, and then it updates another CPU's slot.
import { scenario, shareds, smp_processor_id } from 'smpsim';

export default scenario({
  name: 'smp_processor_id() in preemptible code',
  cpus: 2,
  state: { rx_packets: shareds(2) },
  tasks: [
    {
      name: 'netd',
      cpus: [0, 1],
      run: (s) => {
        const cpu = smp_processor_id();
        const slot = s.rx_packets[cpu]!;
        slot.value = slot.value + 1;
      },
    },
  ],
});
