// Message passing on two CPUs, with a release/acquire pair: the same code under every memory
// model (the run chooses it with the memory option), clean under each.
import { READ_ONCE, WRITE_ONCE, scenario, shared, smp_load_acquire, smp_store_release } from 'smpsim';

export default scenario({
  name: 'message passing, release/acquire',
  cpus: 2,
  state: { a: shared(0), b: shared(0), flag: shared(0), seen: shared(-1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        WRITE_ONCE(s.a, 1);
        WRITE_ONCE(s.b, 2);
        smp_store_release(s.flag, 1);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        if (smp_load_acquire(s.flag)) WRITE_ONCE(s.seen, READ_ONCE(s.a) + READ_ONCE(s.b));
      },
    },
  ],
  check: (s) => s.seen.value !== 0 || 'saw the flag before the data',
});
