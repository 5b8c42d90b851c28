// A touchscreen on an I2C bus: its handler reads the touch over I2C, which takes the bus mutex
// and waits for the transfer. Interrupt context cannot sleep.
import {
  scenario,
  mutex,
  mutex_lock,
  mutex_unlock,
  msleep,
  atomic,
  atomic_inc,
  atomic_read,
  request_irq,
  free_irq,
  IRQ_HANDLED,
  BUG_ON,
} from 'smpsim';

/** i2c_transfer(): the bus is shared with the other devices on it; a transfer sleeps. */
const read_touch = (s: any): void => {
  mutex_lock(s.i2c_bus);
  msleep(1);
  atomic_inc(s.touches);
  mutex_unlock(s.i2c_bus);
};

const ts_interrupt = (s: any) => {
  read_touch(s);
  return IRQ_HANDLED;
};

export default scenario({
  name: 'an I2C transfer in a hardirq handler',
  cpus: 2,
  state: { i2c_bus: mutex(), touches: atomic(0), removed: atomic(0) },
  handlers: { ts_interrupt },
  irqs: [{ irq: 45, name: 'touchscreen', cpus: [1], fires: 2 }],
  tasks: [
    {
      cpu: 0,
      name: 'probe',
      run: (s) => {
        BUG_ON(request_irq(45, ts_interrupt, 0, 'touchscreen', 'ts') !== 0, 'request_irq failed');
        // another device on the same bus
        mutex_lock(s.i2c_bus);
        msleep(1);
        mutex_unlock(s.i2c_bus);
        free_irq(45, 'ts');
        atomic_inc(s.removed);
      },
    },
  ],
  check: (s) => atomic_read(s.removed) === 1 || 'the driver was not removed',
});
