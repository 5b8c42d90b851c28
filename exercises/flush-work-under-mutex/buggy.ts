// The driver's remove path holds dev_mutex and flushes the refresh work, and the work takes
// dev_mutex. When the work runs (or is queued) at that moment, remove waits for the work and
// the work waits for dev_mutex. Lockdep reports the cycle through the work's
// (work_completion) map on the first run, whether or not that run deadlocks.
import { scenario, mutex, mutex_lock, mutex_unlock, shared, work, queue_work, flush_work, system_wq } from 'smpsim';

export default scenario({
  name: 'flush_work() under a mutex the work takes',
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
        mutex_lock(s.dev_mutex);
        flush_work(s.refresh);
        mutex_unlock(s.dev_mutex);
      },
    },
  ],
});
