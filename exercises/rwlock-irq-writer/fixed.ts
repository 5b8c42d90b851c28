// The writer disables local interrupts (write_lock_irqsave); readers in process context and in
// the handler may keep read_lock, since readers never wait for readers.
import {
  scenario,
  rwlock,
  shared,
  read_lock,
  read_unlock,
  write_lock_irqsave,
  write_unlock_irqrestore,
  IRQ_HANDLED,
} from 'smpsim';

export default scenario({
  name: 'rwlock written with write_lock_irqsave',
  cpus: 2,
  state: { route_lock: rwlock(), route: shared(1) },
  tasks: [
    {
      cpu: 0,
      run: (s) => {
        const flags = write_lock_irqsave(s.route_lock);
        s.route.value = s.route.value + 1;
        write_unlock_irqrestore(s.route_lock, flags);
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
