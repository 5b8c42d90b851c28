// The reader takes the sequence count but never asks read_seqretry() whether a writer came in
// while it read: it can return the seconds of one update with the nanoseconds of another.
import { scenario, seqlock, shared, write_seqlock, write_sequnlock, read_seqbegin } from 'smpsim';

export default scenario({
  name: 'a seqlock reader that does not retry',
  cpus: 2,
  state: { time_lock: seqlock(), sec: shared(0), nsec: shared(0), torn: shared(0) },
  tasks: [
    {
      cpu: 0,
      name: 'tick',
      run: (s) => {
        for (let t = 1; t <= 2; t++) {
          write_seqlock(s.time_lock);
          s.sec.value = t;
          s.nsec.value = t * 1000;
          write_sequnlock(s.time_lock);
        }
      },
    },
    {
      cpu: 1,
      name: 'gettime',
      run: (s) => {
        read_seqbegin(s.time_lock);
        const sec = s.sec.value;
        const nsec = s.nsec.value;
        if (nsec !== sec * 1000) s.torn.value = sec * 10000 + nsec;
      },
    },
  ],
  check: (s) => s.torn.value === 0 || `torn read: sec and nsec from different updates (${s.torn.value})`,
});
