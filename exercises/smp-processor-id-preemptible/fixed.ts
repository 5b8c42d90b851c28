// get_cpu() turns preemption off before it reads the CPU number, and put_cpu() turns it back on
// after the last use: the task cannot migrate in between.
import { get_cpu, put_cpu, scenario, shareds } from 'smpsim';

export default scenario({
  name: 'smp_processor_id() in preemptible code (fixed with get_cpu/put_cpu)',
  cpus: 2,
  state: { rx_packets: shareds(2) },
  tasks: [
    {
      name: 'netd',
      cpus: [0, 1],
      run: (s) => {
        const cpu = get_cpu();
        const slot = s.rx_packets[cpu]!;
        slot.value = slot.value + 1;
        put_cpu();
      },
    },
  ],
});
