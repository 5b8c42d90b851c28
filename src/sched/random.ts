/**
 * Random walk: at each point, an agent uniformly among those that can run; an interrupt with
 * probability 1/8 when one can be delivered (so a line with budget does not always fire at
 * the first chance, and late interrupts get explored too).
 */
import { below, trialSeed } from './prng.ts';
import { isIrqOption, type Decision, type Strategy } from './strategy.ts';

const S_RNG = 0;
const IRQ_ONE_IN = 8;

export class RandomStrategy implements Strategy {
  static readonly WORDS = 1;
  readonly regenerable = true;

  constructor(
    private readonly state: Int32Array,
    private readonly seed: number,
  ) {}

  beginTrial(trial: number): boolean {
    this.state[S_RNG] = trialSeed(this.seed, trial);
    return true;
  }

  choose(d: Decision): number {
    let firstIrq = d.n;
    for (let i = 0; i < d.n; i++) {
      if (isIrqOption(d.options[i]!)) {
        firstIrq = i;
        break;
      }
    }
    const irqs = d.n - firstIrq;
    if (irqs > 0 && (firstIrq === 0 || below(this.state, S_RNG, IRQ_ONE_IN) === 0)) {
      return firstIrq + below(this.state, S_RNG, irqs);
    }
    return below(this.state, S_RNG, firstIrq);
  }
}
