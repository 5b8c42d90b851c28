// A reader takes config_rwsem for read, and a helper it calls takes it for read again. Without
// a writer that is harmless, but a writer arriving in between queues, and the second
// down_read() queues behind the writer (rwsem readers are fair to writers): the writer waits
// for the first read hold, the reader for the writer.
import { scenario, rw_semaphore, shared, down_read, up_read, down_write, up_write, msleep } from 'smpsim';

const lookup = (s: any): number => {
  down_read(s.config_rwsem);
  const v = s.limit.value;
  up_read(s.config_rwsem);
  return v;
};

export default scenario({
  name: 'down_read() twice, with a writer in between',
  cpus: 2,
  state: { config_rwsem: rw_semaphore(), limit: shared(10), used: shared(0) },
  tasks: [
    {
      cpu: 0,
      name: 'reader',
      run: (s) => {
        down_read(s.config_rwsem);
        msleep(1);
        s.used.value = Math.min(s.used.value + 1, lookup(s));
        up_read(s.config_rwsem);
      },
    },
    {
      cpu: 1,
      name: 'writer',
      run: (s) => {
        down_write(s.config_rwsem);
        s.limit.value = 20;
        up_write(s.config_rwsem);
      },
    },
  ],
});
