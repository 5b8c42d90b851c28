// Two users drop their reference to a shared object (refcount 2). Each decrements and then
// reads the count to see whether it was the last: both can read 0 and both free it.
import { scenario, atomic, atomic_dec, atomic_read, atomic_inc } from 'smpsim';

const put = (s: any) => {
  atomic_dec(s.refcount);
  if (atomic_read(s.refcount) === 0) atomic_inc(s.frees); // kfree(obj)
};

export default scenario({
  name: 'refcount release: decrement, then read',
  cpus: 2,
  state: { refcount: atomic(2), frees: atomic(0) },
  tasks: [
    { cpu: 0, run: put },
    { cpu: 1, run: put },
  ],
  check: (s) => atomic_read(s.frees) === 1 || `object freed ${atomic_read(s.frees)} times`,
});
