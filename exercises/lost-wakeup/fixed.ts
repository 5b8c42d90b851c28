// set_current_state() first, then the test: a wake-up that comes after it sets the consumer
// back to TASK_RUNNING, so the schedule() that follows returns at once instead of sleeping.
import {
  scenario,
  atomic,
  atomic_read,
  atomic_set,
  atomic_inc,
  atomic_dec,
  current,
  find_task_by_vpid,
  set_current_state,
  __set_current_state,
  schedule,
  wake_up_process,
  TASK_UNINTERRUPTIBLE,
  TASK_RUNNING,
} from 'smpsim';

export default scenario({
  name: 'sleeping for a condition: set_current_state(), then the test, then schedule()',
  cpus: 2,
  state: { items: atomic(0), consumer_pid: atomic(0) },
  tasks: [
    {
      cpu: 0,
      name: 'consumer',
      run: (s) => {
        atomic_set(s.consumer_pid, current().pid);
        for (;;) {
          set_current_state(TASK_UNINTERRUPTIBLE);
          if (atomic_read(s.items) !== 0) break;
          schedule();
        }
        __set_current_state(TASK_RUNNING);
        atomic_dec(s.items);
      },
    },
    {
      cpu: 1,
      name: 'producer',
      run: (s) => {
        atomic_inc(s.items);
        const pid = atomic_read(s.consumer_pid);
        if (pid !== 0) wake_up_process(find_task_by_vpid(pid)!);
      },
    },
  ],
});
