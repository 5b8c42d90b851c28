// User-path P2, buggy: two CPUs each do three unlocked x.value++, and check() sees the lost
// update (an assertion and a data race in most trials).
import { scenario, shared } from 'smpsim';
import { bump } from './lost-update.ts';

export default scenario({
  cpus: 2,
  state: { x: shared(0) },
  tasks: [
    { cpu: 0, run: bump },
    { cpu: 1, run: bump },
  ],
  check: (s) => s.x.value === 6 || `lost update: x=${s.x.value}, expected 6`,
});
