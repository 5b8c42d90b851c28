// P2: two CPUs each do three unlocked x.value++ (the check is left out: every trial runs).
import { scenario, shared } from 'smpsim';

export const bump = (s: { x: { value: number } }) => {
  for (let i = 0; i < 3; i++) s.x.value++;
};

export default scenario({
  cpus: 2,
  state: { x: shared(0) },
  tasks: [
    { cpu: 0, run: bump },
    { cpu: 1, run: bump },
  ],
});
