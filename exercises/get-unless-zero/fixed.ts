// atomic_add_unless(v, 1, 0) (atomic_inc_not_zero) tests and increments in one step: once
// the count is zero no one can take a reference again.
import { scenario, atomic, atomic_read, atomic_inc, atomic_add_unless, atomic_dec_and_test } from 'smpsim';

export default scenario({
  name: 'get a reference unless zero with atomic_add_unless',
  cpus: 2,
  state: { refcount: atomic(1), freed: atomic(0), got: atomic(0) },
  tasks: [
    {
      cpu: 0,
      name: 'lookup',
      run: (s) => {
        if (atomic_add_unless(s.refcount, 1, 0)) atomic_inc(s.got);
      },
    },
    { cpu: 1, name: 'release', run: (s) => void (atomic_dec_and_test(s.refcount) && atomic_inc(s.freed)) },
  ],
  check: (s) => !(atomic_read(s.got) && atomic_read(s.freed)) || 'lookup took a reference to a freed object',
});
