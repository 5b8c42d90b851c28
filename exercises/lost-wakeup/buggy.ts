// A consumer sleeps until the producer has put an item in the buffer. It tests the condition
// first and only then sets its state and calls schedule(): when the producer's wake-up lands
// between the test and set_current_state(), it finds the consumer still running, does
// nothing, and the consumer then sleeps with nobody left to wake it.
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
  name: 'lost wake-up: the condition tested before set_current_state()',
  cpus: 2,
  state: { items: atomic(0), consumer_pid: atomic(0) },
  tasks: [
    {
      cpu: 0,
      name: 'consumer',
      run: (s) => {
        atomic_set(s.consumer_pid, current().pid);
        if (atomic_read(s.items) === 0) {
          set_current_state(TASK_UNINTERRUPTIBLE);
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
