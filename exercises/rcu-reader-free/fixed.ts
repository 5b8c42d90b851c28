// The updater waits for a grace period with synchronize_rcu() before freeing the old version:
// every reader that could have fetched the old pointer has left its read-side section by then.
import {
  scenario,
  spinlock,
  shared,
  spin_lock,
  spin_unlock,
  kzalloc,
  kfree,
  kstruct,
  deref,
  GFP_KERNEL,
  rcu_read_lock,
  rcu_read_unlock,
  synchronize_rcu,
  rcu_assign_pointer,
  rcu_dereference,
  rcu_dereference_protected,
} from 'smpsim';

const Conf = kstruct('conf', 'limit');

export default scenario({
  name: 'an RCU reader vs kfree() after synchronize_rcu()',
  cpus: 2,
  state: { conf_lock: spinlock(), conf: shared(0), seen: shared(0) },
  tasks: [
    {
      cpu: 0,
      name: 'updater',
      run: (s) => {
        const first = kzalloc(Conf, GFP_KERNEL);
        deref(first, Conf).limit = 1;
        rcu_assign_pointer(s.conf, first);
        const next = kzalloc(Conf, GFP_KERNEL);
        deref(next, Conf).limit = 2;
        spin_lock(s.conf_lock);
        const old = rcu_dereference_protected(s.conf, true);
        rcu_assign_pointer(s.conf, next);
        spin_unlock(s.conf_lock);
        synchronize_rcu();
        kfree(old);
      },
    },
    {
      cpu: 1,
      name: 'reader',
      run: (s) => {
        rcu_read_lock();
        const c = rcu_dereference(s.conf);
        if (c) s.seen.value = deref(c, Conf).limit;
        rcu_read_unlock();
      },
    },
  ],
});
