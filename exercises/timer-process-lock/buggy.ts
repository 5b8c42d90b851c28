// A driver's periodic statistics timer and its ioctl path share a spinlock. The timer callback
// runs in TIMER_SOFTIRQ; the ioctl takes the lock with plain spin_lock, so softirqs stay enabled
// while it holds it: the timer can expire on that very CPU and spin on its own CPU's lock.
import {
  scenario,
  spinlock,
  shared,
  spin_lock,
  spin_unlock,
  timer_list,
  mod_timer,
  del_timer_sync,
  get_jiffies_64,
  HZ,
} from 'smpsim';

export default scenario({
  name: 'a timer callback and process context share a lock taken with spin_lock',
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
        spin_lock(s.stats_lock); // softirqs stay on: the timer may run here, on this CPU
        s.packets.value = 0;
        spin_unlock(s.stats_lock);
        del_timer_sync(s.stats_timer);
      },
    },
    { cpu: 1, run: () => {} },
  ],
});
