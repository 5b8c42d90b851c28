// The fix: a threaded interrupt. With no primary handler (NULL) the kernel's default one only
// wakes the line's thread, irq/45-touchscreen, and IRQF_ONESHOT keeps the line masked until
// the thread function has read the touch. The thread runs in process context: it may sleep.
import {
  scenario,
  mutex,
  mutex_lock,
  mutex_unlock,
  msleep,
  atomic,
  atomic_inc,
  atomic_read,
  request_threaded_irq,
  free_irq,
  IRQ_HANDLED,
  IRQF_ONESHOT,
  BUG_ON,
} from 'smpsim';

/** i2c_transfer(): the bus is shared with the other devices on it; a transfer sleeps. */
const read_touch = (s: any): void => {
  mutex_lock(s.i2c_bus);
  msleep(1);
  atomic_inc(s.touches);
  mutex_unlock(s.i2c_bus);
};

const ts_irq_thread = (s: any) => {
  read_touch(s);
  return IRQ_HANDLED;
};

export default scenario({
  name: 'the I2C transfer in the threaded handler',
  cpus: 2,
  state: { i2c_bus: mutex(), touches: atomic(0), removed: atomic(0) },
  handlers: { ts_irq_thread },
  irqs: [{ irq: 45, name: 'touchscreen', cpus: [1], fires: 2, threaded: true }],
  tasks: [
    {
      cpu: 0,
      name: 'probe',
      run: (s) => {
        BUG_ON(
          request_threaded_irq(45, null, ts_irq_thread, IRQF_ONESHOT, 'touchscreen', 'ts') !== 0,
          'request_threaded_irq failed',
        );
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
