// The writer orders its stores with smp_wmb(), but the reader's two loads are not ordered:
// it may see the new index and still read the old slot.
import { READ_ONCE, WRITE_ONCE, scenario, shared, smp_wmb } from 'smpsim';

export default scenario({
  name: 'smp_wmb() without smp_rmb()',
  cpus: 2,
  memory: 'weak',
  state: { slot: shared(0), head: shared(0), seen: shared(-1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        WRITE_ONCE(s.slot, 7);
        smp_wmb();
        WRITE_ONCE(s.head, 1);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        if (READ_ONCE(s.head) === 1) WRITE_ONCE(s.seen, READ_ONCE(s.slot));
      },
    },
  ],
  check: (s) => s.seen.value !== 0 || 'the reader saw head == 1 but an empty slot',
});
