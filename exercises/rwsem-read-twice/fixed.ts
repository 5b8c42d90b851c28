// The helper expects its caller to hold config_rwsem (it reads under the caller's hold) and
// takes nothing itself: one down_read() per read-side section.
import { scenario, rw_semaphore, shared, down_read, up_read, down_write, up_write, msleep } from 'smpsim';

/** Called with config_rwsem held for read. */
const lookupLocked = (s: any): number => s.limit.value;

export default scenario({
  name: 'one down_read() per read-side section',
  cpus: 2,
  state: { config_rwsem: rw_semaphore(), limit: shared(10), used: shared(0) },
  tasks: [
    {
      cpu: 0,
      name: 'reader',
      run: (s) => {
        down_read(s.config_rwsem);
        msleep(1);
        s.used.value = Math.min(s.used.value + 1, lookupLocked(s));
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
