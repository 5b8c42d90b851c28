/** The sentence a systematic run ends with: which claim it makes, and under which bound. */
import { DPOR_MAX_DECISIONS, type Exhaustive } from '../sched/dpor.ts';

const count = (n: number): string => n.toLocaleString('en-US');
const executions = (n: number): string => `${count(n)} execution${n === 1 ? '' : 's'}`;

export function exhaustiveSummary(e: Exhaustive): string {
  const bound = e.bound === null ? '' : ` (bound ${e.bound})`;
  const blocked = e.sleepSetBlocked ? `, ${count(e.sleepSetBlocked)} sleep-set blocked` : '';
  if (e.complete) return `explored all ${executions(e.executions)}${blocked}: complete`;
  if (e.stopped) return `stopped at ${executions(e.executions)}${bound}: not complete`;
  if (e.overflow)
    return `stopped at ${executions(e.executions)}: an execution had more than ${count(DPOR_MAX_DECISIONS)} decisions: not complete`;
  return `explored ${executions(e.executions)}${bound}${blocked}: not complete`;
}
