// rcu_assign_pointer() is a release: the initialisation is visible to any reader whose
// rcu_dereference() sees the pointer.
import {
  READ_ONCE,
  WRITE_ONCE,
  rcu_assign_pointer,
  rcu_dereference,
  rcu_read_lock,
  rcu_read_unlock,
  scenario,
  shared,
} from 'smpsim';

export default scenario({
  name: 'a lazily initialised pointer published with rcu_assign_pointer()',
  cpus: 2,
  memory: 'weak',
  state: { cfg_timeout: shared(0), gp: shared(0), seen: shared(-1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        if (READ_ONCE(s.gp) === 0) {
          WRITE_ONCE(s.cfg_timeout, 100);
          rcu_assign_pointer(s.gp, 1);
        }
      },
    },
    {
      cpu: 1,
      run: (s) => {
        rcu_read_lock();
        if (rcu_dereference(s.gp) === 1) WRITE_ONCE(s.seen, READ_ONCE(s.cfg_timeout));
        rcu_read_unlock();
      },
    },
  ],
  check: (s) => s.seen.value !== 0 || 'the reader followed gp to an uninitialised cfg (timeout 0)',
});
