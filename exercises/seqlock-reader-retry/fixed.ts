// The reader loops until read_seqretry() says no writer came in between: the pair it returns
// is always one update's.
import { scenario, seqlock, shared, write_seqlock, write_sequnlock, read_seqbegin, read_seqretry } from 'smpsim';

export default scenario({
  name: 'a seqlock reader that retries',
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
        let sec: number;
        let nsec: number;
        let seq: number;
        do {
          seq = read_seqbegin(s.time_lock);
          sec = s.sec.value;
          nsec = s.nsec.value;
        } while (read_seqretry(s.time_lock, seq));
        if (nsec !== sec * 1000) s.torn.value = sec * 10000 + nsec;
      },
    },
  ],
  check: (s) => s.torn.value === 0 || `torn read: sec and nsec from different updates (${s.torn.value})`,
});
