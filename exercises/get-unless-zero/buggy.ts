// A lookup finds an object whose last reference is being dropped on another CPU. It takes a
// reference if the count is not zero, but the test and the increment are two steps: the
// count can reach zero (and the object be freed) in between, and the lookup then holds a
// reference to freed memory.
import { scenario, atomic, atomic_read, atomic_inc, atomic_dec_and_test } from 'smpsim';

export default scenario({
  name: 'get a reference unless zero, as test-then-increment',
  cpus: 2,
  state: { refcount: atomic(1), freed: atomic(0), got: atomic(0) },
  tasks: [
    {
      cpu: 0,
      name: 'lookup',
      run: (s) => {
        if (atomic_read(s.refcount) !== 0) {
          atomic_inc(s.refcount);
          atomic_inc(s.got);
        }
      },
    },
    { cpu: 1, name: 'release', run: (s) => void (atomic_dec_and_test(s.refcount) && atomic_inc(s.freed)) },
  ],
  check: (s) => !(atomic_read(s.got) && atomic_read(s.freed)) || 'lookup took a reference to a freed object',
});
