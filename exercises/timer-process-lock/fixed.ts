// The fix: process context takes the lock with spin_lock_bh, so the timer cannot run on this
// CPU while it is held (it runs at spin_unlock_bh instead); on another CPU it just waits.
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
  name: 'a timer callback and process context share a lock taken with spin_lock_bh',
  cpus: 2,
  state: {
    stats_lock: spinlock(),
    packets: shared(0),
    stats_timer: timer_list((s: any) => {
      spin_lock(s.stats_lock);
      s.packets.value = s.packets.value + 1;
      spin_unlock(s.stats_lock);
    }),
  },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        mod_timer(s.stats_timer, get_jiffies_64() + HZ);
        spin_lock_bh(s.stats_lock);
        s.packets.value = 0;
        spin_unlock_bh(s.stats_lock);
        del_timer_sync(s.stats_timer);
      },
    },
    { cpu: 1, run: () => {} },
  ],
});
