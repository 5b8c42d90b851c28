/**
 * The cost of a weak memory model: random trials per second under 'weak' against 'sc' on the
 * same scenario, and the DPOR executions each needs to complete (store buffers and reads of
 * older stores are choices, so the space grows).
 */
import { explore } from '../src/index.ts';

type Line = (name: string, value: number, baseline: number | null, unit: string, target: string) => void;

export async function benchWeakMemory(
  line: Line,
  here: (p: string) => string,
  bestOf: (a: () => Promise<number>, b: () => Promise<number>) => Promise<[number, number]>,
): Promise<void> {
  const mp = here('./scenarios/message-passing.ts');
  const rate = (memory: string) => async (): Promise<number> => {
    const r = await explore(mp, { strategy: 'random', reports: false, trials: 5000, memory });
    return r.trials / (r.elapsedMs / 1000);
  };
  await rate('weak')(); // warm
  const [weak, sc] = await bestOf(rate('weak'), rate('sc'));
  line(
    'weak memory trials/s, message passing',
    weak,
    sc,
    'trials/s',
    "ratio reported (vs 'sc' on the same scenario: a weak trial also decides flushes and which store each read returns)",
  );
  const d = (memory: string) => explore(mp, { strategy: 'dpor', reports: false, memory });
  const [w, s] = [await d('weak'), await d('sc')];
  line(
    'weak memory DPOR executions to complete, message passing',
    w.exhaustive!.executions,
    s.exhaustive!.executions,
    'executions',
    `${w.exhaustive!.complete ? 'complete' : 'NOT complete'} in ${Math.round(w.elapsedMs)} ms; 'sc': ${s.exhaustive!.executions} in ${Math.round(s.elapsedMs)} ms`,
  );
}
