// Teardown stops the watchdog timer with del_timer_sync() while holding dev_lock, which the
// timer's callback also takes. del_timer_sync() waits for a callback running on another CPU;
// that callback waits for dev_lock: neither goes on. Lockdep sees it on any run, through the
// timer's own lockdep map.
import {
  scenario,
  spinlock,
  shared,
  spin_lock,
  spin_unlock,
  spin_lock_bh,
  spin_unlock_bh,
  timer_list,
  mod_timer,
  del_timer_sync,
  get_jiffies_64,
  HZ,
} from 'smpsim';

export default scenario({
  name: 'del_timer_sync under the lock its callback takes',
  cpus: 2,
  state: {
    dev_lock: spinlock(),
    resets: shared(0),
    watchdog: timer_list((s: any) => {
      spin_lock(s.dev_lock);
      s.resets.value = s.resets.value + 1;
      spin_unlock(s.dev_lock);
    }),
  },
  tasks: [
    // probe: the watchdog is armed on CPU1
    {
      cpu: 1,
      run: (s) => {
        mod_timer(s.watchdog, get_jiffies_64() + HZ);
      },
    },
    // remove: on CPU0
    {
      cpu: 0,
      run: (s) => {
        spin_lock_bh(s.dev_lock);
        del_timer_sync(s.watchdog); // waits for a callback that wants dev_lock
        s.resets.value = 0;
        spin_unlock_bh(s.dev_lock);
      },
    },
  ],
});
