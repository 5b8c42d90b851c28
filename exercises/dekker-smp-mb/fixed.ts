// smp_mb() between raising one's own flag and reading the other's: the store is visible to
// every CPU before the load, so at most one CPU reads 0.
import { READ_ONCE, WRITE_ONCE, scenario, shared, smp_mb } from 'smpsim';

export default scenario({
  name: 'Dekker with smp_mb()',
  cpus: 2,
  memory: 'weak',
  state: { want0: shared(0), want1: shared(0), in0: shared(0), in1: shared(0) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        WRITE_ONCE(s.want0, 1);
        smp_mb();
        if (READ_ONCE(s.want1) === 0) WRITE_ONCE(s.in0, 1);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        WRITE_ONCE(s.want1, 1);
        smp_mb();
        if (READ_ONCE(s.want0) === 0) WRITE_ONCE(s.in1, 1);
      },
    },
  ],
  check: (s) => !(s.in0.value && s.in1.value) || 'both CPUs entered the critical section',
});
