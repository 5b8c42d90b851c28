/** raise_softirq_irqoff(): mark softirq `nr` pending on a CPU, for it to run there later. */
import { C, H } from './layout.ts';
import type { CpuRuntime } from './runtime.ts';

/** raise_softirq_irqoff(nr) on `cpu`. */
export function raiseSoftirq(rt: CpuRuntime, cpu: number, nr: number): void {
  const m = rt.m;
  const at = rt.L.agentBlock(cpu) + C.SOFTIRQ_PENDING;
  if (m[at] === 0) m[H.SOFTIRQ_CPUS] = m[H.SOFTIRQ_CPUS]! + 1;
  m[at] = m[at]! | (1 << nr);
}
