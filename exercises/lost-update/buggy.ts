// Two CPUs count packets with a plain increment: a read, then a write.
import { scenario, shared } from 'smpsim';

const count = (s: any) => {
  for (let i = 0; i < 2; i++) s.packets.value++;
};

export default scenario({
  name: 'lost update: i++ on a shared counter',
  cpus: 2,
  state: { packets: shared(0) },
  tasks: [
    { cpu: 0, run: count },
    { cpu: 1, run: count },
  ],
  check: (s) => s.packets.value === 4 || `lost update: packets=${s.packets.value}, expected 4`,
});
