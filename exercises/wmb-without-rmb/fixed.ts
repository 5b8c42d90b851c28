// smp_wmb() on the writer pairs with smp_rmb() on the reader (Documentation/memory-barriers.txt,
// "SMP barrier pairing").
import { READ_ONCE, WRITE_ONCE, scenario, shared, smp_rmb, smp_wmb } from 'smpsim';

export default scenario({
  name: 'smp_wmb() paired with smp_rmb()',
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
        if (READ_ONCE(s.head) === 1) {
          smp_rmb();
          WRITE_ONCE(s.seen, READ_ONCE(s.slot));
        }
      },
    },
  ],
  check: (s) => s.seen.value !== 0 || 'the reader saw head == 1 but an empty slot',
});
