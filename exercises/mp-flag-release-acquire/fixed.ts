// The flag is published with smp_store_release() and read with smp_load_acquire(): a consumer
// that sees the flag sees everything the producer wrote before it.
import { READ_ONCE, WRITE_ONCE, scenario, shared, smp_load_acquire, smp_store_release } from 'smpsim';

export default scenario({
  name: 'a flag published with release/acquire',
  cpus: 2,
  memory: 'weak',
  state: { buf: shared(0), ready: shared(0), seen: shared(-1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        WRITE_ONCE(s.buf, 42);
        smp_store_release(s.ready, 1);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        if (smp_load_acquire(s.ready)) WRITE_ONCE(s.seen, READ_ONCE(s.buf));
      },
    },
  ],
  check: (s) => s.seen.value !== 0 || 'the consumer saw ready == 1 but buf == 0',
});
