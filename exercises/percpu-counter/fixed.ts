// this_cpu_inc() is one operation on the copy of the CPU the task is on, safe against
// preemption and interrupts: a task preempted or moved before it counts on its new CPU.
import { scenario, percpu, per_cpu, this_cpu_inc } from 'smpsim';

const count = (s: any) => {
  for (let i = 0; i < 2; i++) this_cpu_inc(s.packets);
};

export default scenario({
  name: 'per-CPU counter updated with this_cpu_inc',
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
