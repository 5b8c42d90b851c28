/** What a marked access orders, by the kernel call that made it: acquires and releases. */
import { kfn } from '../../machine/events.ts';

const FN_RELEASE = kfn('smp_store_release');
const FN_ACQUIRE = kfn('smp_load_acquire');
// rcu_assign_pointer publishes like smp_store_release; rcu_dereference's address dependency
// orders what the reader reads through the pointer, as an acquire would
const FN_RCU_ASSIGN = kfn('rcu_assign_pointer');
const FN_RCU_DEREF = kfn('rcu_dereference');
const FN_RCU_DEREF_CHECK = kfn('rcu_dereference_check');
const FN_BIT_LOCK = kfn('test_and_set_bit_lock');
const FN_BIT_UNLOCK = kfn('clear_bit_unlock');

export const isAcquire = (fn: number | undefined): boolean =>
  fn === FN_ACQUIRE || fn === FN_RCU_DEREF || fn === FN_RCU_DEREF_CHECK;
export const isRelease = (fn: number | undefined): boolean => fn === FN_RELEASE || fn === FN_RCU_ASSIGN;
/** test_and_set_bit_lock(): an acquire of the bit lock */
export const isBitLock = (fn: number | undefined): boolean => fn === FN_BIT_LOCK;
/** clear_bit_unlock(): a release of the bit lock */
export const isBitUnlock = (fn: number | undefined): boolean => fn === FN_BIT_UNLOCK;
/** smp_load_acquire() / smp_store_release() on an atomic_t word */
export const isLoadAcquire = (fn: number | undefined): boolean => fn === FN_ACQUIRE;
export const isStoreRelease = (fn: number | undefined): boolean => fn === FN_RELEASE;
