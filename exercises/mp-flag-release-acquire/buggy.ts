// A producer fills a buffer and raises a flag; the consumer reads the buffer once it sees the
// flag. Both are plain marked accesses (WRITE_ONCE / READ_ONCE): nothing orders them.
import { READ_ONCE, WRITE_ONCE, scenario, shared } from 'smpsim';

export default scenario({
  name: 'a flag published without a barrier',
  cpus: 2,
  memory: 'weak',
  state: { buf: shared(0), ready: shared(0), seen: shared(-1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        WRITE_ONCE(s.buf, 42);
        WRITE_ONCE(s.ready, 1);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        if (READ_ONCE(s.ready)) WRITE_ONCE(s.seen, READ_ONCE(s.buf));
      },
    },
  ],
  check: (s) => s.seen.value !== 0 || 'the consumer saw ready == 1 but buf == 0',
});
