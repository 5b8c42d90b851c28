// spin_lock_bh in process context: softirqs cannot run on this CPU while the table lock is
// held. (The tasklet itself keeps plain spin_lock: softirqs do not nest on one CPU.)
import {
  scenario,
  spinlock,
  shared,
  tasklet,
  tasklet_schedule,
  spin_lock,
  spin_unlock,
  spin_lock_bh,
  spin_unlock_bh,
  IRQ_HANDLED,
} from 'smpsim';

export default scenario({
  name: 'hash table shared by a softirq hook and a sysctl write, spin_lock_bh',
  cpus: 2,
  state: {
    table_lock: spinlock(),
    entries: shared(3),
    rx: tasklet((s: any) => {
      spin_lock(s.table_lock);
      s.entries.value = s.entries.value + 1;
      spin_unlock(s.table_lock);
    }),
  },
  tasks: [
    {
      cpu: 0,
      name: 'sysctl',
      run: (s) => {
        spin_lock_bh(s.table_lock);
        s.entries.value = 0;
        spin_unlock_bh(s.table_lock);
      },
    },
    { cpu: 1, run: () => {} },
  ],
  irqs: [
    {
      irq: 10,
      name: 'eth0',
      fires: 1,
      handler: (s) => {
        tasklet_schedule(s.rx);
        return IRQ_HANDLED;
      },
    },
  ],
});
