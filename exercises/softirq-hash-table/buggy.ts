// A connection-tracking hash table: the packet hook runs as a tasklet (softirq context) after
// the NIC interrupt; a sysctl write in process context flushes the table under the same lock,
// taken with plain spin_lock: bottom halves stay enabled while it is held.
import { scenario, spinlock, shared, tasklet, tasklet_schedule, spin_lock, spin_unlock, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'hash table shared by a softirq hook and a sysctl write, spin_lock',
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
        spin_lock(s.table_lock);
        s.entries.value = 0;
        spin_unlock(s.table_lock);
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
