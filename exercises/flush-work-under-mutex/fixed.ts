// remove flushes the work before it takes dev_mutex: it never waits for the work while
// holding what the work needs.
import { scenario, mutex, mutex_lock, mutex_unlock, shared, work, queue_work, flush_work, system_wq } from 'smpsim';

export default scenario({
  name: 'flush_work() before taking the mutex the work takes',
  cpus: 2,
  state: {
    dev_mutex: mutex(),
    readings: shared(0),
    refresh: work((s: any) => {
      mutex_lock(s.dev_mutex);
      s.readings.value++;
      mutex_unlock(s.dev_mutex);
    }),
  },
  tasks: [
    { cpu: 0, name: 'probe', run: (s) => void queue_work(system_wq, s.refresh) },
    {
      cpu: 1,
      name: 'remove',
      run: (s) => {
        flush_work(s.refresh);
        mutex_lock(s.dev_mutex);
        mutex_unlock(s.dev_mutex);
      },
    },
  ],
});
