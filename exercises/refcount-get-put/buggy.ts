// An object is published in a table slot; a lookup takes a reference with refcount_inc()
// under the table lock. The owner drops the last reference first and only then unpublishes
// the object: between the two, a lookup can find it with a count of 0, increment from 0 and
// use memory the owner is about to free.
import {
  scenario,
  spinlock,
  shared,
  refcount,
  spin_lock,
  spin_unlock,
  refcount_inc,
  refcount_dec_and_test,
  kzalloc,
  kfree,
  kstruct,
  deref,
  GFP_KERNEL,
} from 'smpsim';

const Obj = kstruct('obj', 'data');

export default scenario({
  name: 'refcount_inc() in a lookup racing with the last put',
  cpus: 2,
  state: { table_lock: spinlock(), slot: shared(0), ref: refcount(1) },
  tasks: [
    {
      cpu: 0,
      name: 'owner',
      run: (s) => {
        const p = kzalloc(Obj, GFP_KERNEL)!; // GFP_KERNEL here never fails (faults.kmalloc is off)
        spin_lock(s.table_lock);
        s.slot.value = p;
        spin_unlock(s.table_lock);
        if (refcount_dec_and_test(s.ref)) {
          spin_lock(s.table_lock);
          s.slot.value = 0;
          spin_unlock(s.table_lock);
          kfree(p);
        }
      },
    },
    {
      cpu: 1,
      name: 'lookup',
      run: (s) => {
        spin_lock(s.table_lock);
        const p = s.slot.value;
        if (p) refcount_inc(s.ref);
        spin_unlock(s.table_lock);
        if (!p) return;
        deref(p, Obj).data++;
        if (refcount_dec_and_test(s.ref)) kfree(p);
      },
    },
  ],
});
