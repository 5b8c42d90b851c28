// The lookup takes its reference with kref_get_unless_zero(): once the count hit 0 the entry
// is being released, and the lookup treats it as not found (include/linux/kref.h).
import {
  scenario,
  spinlock,
  shared,
  kref,
  spin_lock,
  spin_unlock,
  kref_get_unless_zero,
  kref_put,
  kzalloc,
  kfree,
  kstruct,
  deref,
  GFP_KERNEL,
  type Kref,
} from 'smpsim';

const Entry = kstruct('entry', 'key', 'value');

export default scenario({
  name: 'kref_get_unless_zero() in a lookup racing with the release',
  cpus: 2,
  state: { cache_lock: spinlock(), hash: shared(0), ref: kref() },
  tasks: [
    {
      cpu: 0,
      name: 'owner',
      run: (s) => {
        const e = kzalloc(Entry, GFP_KERNEL)!; // GFP_KERNEL here never fails (faults.kmalloc is off)
        deref(e, Entry).value = 42;
        spin_lock(s.cache_lock);
        s.hash.value = e;
        spin_unlock(s.cache_lock);
        const release = (_k: Kref): void => {
          spin_lock(s.cache_lock);
          s.hash.value = 0;
          spin_unlock(s.cache_lock);
          kfree(e);
        };
        kref_put(s.ref, release);
      },
    },
    {
      cpu: 1,
      name: 'lookup',
      run: (s) => {
        spin_lock(s.cache_lock);
        let e = s.hash.value;
        if (e && !kref_get_unless_zero(s.ref)) e = 0;
        spin_unlock(s.cache_lock);
        if (!e) return;
        const v = deref(e, Entry).value;
        kref_put(s.ref, () => kfree(e));
        return v;
      },
    },
  ],
});
