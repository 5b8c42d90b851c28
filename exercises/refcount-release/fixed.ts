// atomic_dec_and_test decrements and tests in one step: exactly one caller sees zero.
import { scenario, atomic, atomic_dec_and_test, atomic_read, atomic_inc } from 'smpsim';

const put = (s: any) => {
  if (atomic_dec_and_test(s.refcount)) atomic_inc(s.frees); // kfree(obj)
};

export default scenario({
  name: 'refcount release with atomic_dec_and_test',
  cpus: 2,
  state: { refcount: atomic(2), frees: atomic(0) },
  tasks: [
    { cpu: 0, run: put },
    { cpu: 1, run: put },
  ],
  check: (s) => atomic_read(s.frees) === 1 || `object freed ${atomic_read(s.frees)} times`,
});
