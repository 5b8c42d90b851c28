// The lookup takes its reference with refcount_inc_not_zero(): a count that already hit 0
// means the object is being freed, and the lookup treats it as not found.
import {
  scenario,
  spinlock,
  shared,
  refcount,
  spin_lock,
  spin_unlock,
  refcount_inc_not_zero,
  refcount_dec_and_test,
  kzalloc,
  kfree,
  kstruct,
  deref,
  GFP_KERNEL,
} from 'smpsim';

const Obj = kstruct('obj', 'data');

export default scenario({
  name: 'refcount_inc_not_zero() in a lookup racing with the last put',
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
        let p = s.slot.value;
        if (p && !refcount_inc_not_zero(s.ref)) p = 0;
        spin_unlock(s.table_lock);
        if (!p) return;
        deref(p, Obj).data++;
        if (refcount_dec_and_test(s.ref)) kfree(p);
      },
    },
  ],
});
