// A routing table behind an rwlock: the interrupt handler only reads it (read_lock), process
// context updates it with plain write_lock. If the interrupt arrives on the writer's CPU, the
// reader spins on a writer that cannot run until the handler returns.
import { scenario, rwlock, shared, read_lock, read_unlock, write_lock, write_unlock, IRQ_HANDLED } from 'smpsim';

export default scenario({
  name: 'rwlock read in irq, written without disabling irqs',
  cpus: 2,
  state: { route_lock: rwlock(), route: shared(1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        write_lock(s.route_lock);
        s.route.value = s.route.value + 1;
        write_unlock(s.route_lock);
      },
    },
    {
      cpu: 1,
      run: (s) => {
        read_lock(s.route_lock);
        void s.route.value;
        read_unlock(s.route_lock);
      },
    },
  ],
  irqs: [
    {
      irq: 14,
      name: 'eth1',
      fires: 1,
      handler: (s) => {
        read_lock(s.route_lock);
        void s.route.value;
        read_unlock(s.route_lock);
        return IRQ_HANDLED;
      },
    },
  ],
});
