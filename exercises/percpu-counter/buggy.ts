// Two tasks allowed on both CPUs count packets in a per-CPU counter with a split update,
// __this_cpu_read() then __this_cpu_write(), with preemption on. Between the two the task can be
// preempted by the other one on its CPU, or moved to the other CPU: an increment is lost.
import { scenario, percpu, per_cpu, __this_cpu_read, __this_cpu_write } from 'smpsim';

const count = (s: any) => {
  for (let i = 0; i < 2; i++) __this_cpu_write(s.packets, __this_cpu_read(s.packets) + 1);
};

export default scenario({
  name: 'per-CPU counter updated with preemption on',
  cpus: 2,
  state: { packets: percpu(0) },
  tasks: [
    { name: 'rx0', cpus: [0, 1], run: count },
    { name: 'rx1', cpus: [0, 1], run: count },
  ],
  check: (s) => {
    const sum = per_cpu(s.packets, 0).value + per_cpu(s.packets, 1).value;
    return sum === 4 || `packets summed over the CPUs = ${sum}, expected 4`;
  },
});
