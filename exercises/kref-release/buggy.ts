// A cache entry with a kref. The last kref_put() calls the release function, which takes the
// cache lock, unhashes the entry and frees it. A lookup under the cache lock takes its
// reference with kref_get(): it can find the entry after its count hit 0 and before release
// unhashed it, and then reads an entry release frees under it.
import {
  scenario,
  spinlock,
  shared,
  kref,
  spin_lock,
  spin_unlock,
  kref_get,
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
  name: 'kref_get() in a lookup racing with the release',
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
        const e = s.hash.value;
        if (e) kref_get(s.ref);
        spin_unlock(s.cache_lock);
        if (!e) return;
        const v = deref(e, Entry).value;
        kref_put(s.ref, () => kfree(e));
        return v;
      },
    },
  ],
});
