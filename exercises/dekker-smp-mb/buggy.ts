// Dekker's entry protocol: each CPU raises its own flag, then enters only if the other's flag
// is down. Without a full barrier each CPU's store may still sit in its store buffer when it
// reads the other's flag: both read 0 and both enter.
import { READ_ONCE, WRITE_ONCE, scenario, shared } from 'smpsim';

export default scenario({
  name: 'Dekker without smp_mb()',
  cpus: 2,
  memory: 'weak',
  state: { want0: shared(0), want1: shared(0), in0: shared(0), in1: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        WRITE_ONCE(s.want0, 1);
        if (READ_ONCE(s.want1) === 0) WRITE_ONCE(s.in0, 1);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        WRITE_ONCE(s.want1, 1);
        if (READ_ONCE(s.want0) === 0) WRITE_ONCE(s.in1, 1);
      },
    },
  ],
  check: (s) => !(s.in0.value && s.in1.value) || 'both CPUs entered the critical section',
});
