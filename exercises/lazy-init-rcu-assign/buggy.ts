// A configuration is set up on first use and published through a pointer (gp: 0 is NULL, 1
// points at cfg). The pointer is stored with WRITE_ONCE(), so a reader may follow it before
// the initialising store is visible and read an uninitialised field.
import { READ_ONCE, WRITE_ONCE, rcu_dereference, rcu_read_lock, rcu_read_unlock, scenario, shared } from 'smpsim';

export default scenario({
  name: 'a lazily initialised pointer published without rcu_assign_pointer()',
  cpus: 2,
  memory: 'weak',
  state: { cfg_timeout: shared(0), gp: shared(0), seen: shared(-1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        if (READ_ONCE(s.gp) === 0) {
          WRITE_ONCE(s.cfg_timeout, 100);
          WRITE_ONCE(s.gp, 1);
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
