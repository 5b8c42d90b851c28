/**
 * The runtime of the agent this thread simulates: what the kernel API acts on. One per worker
 * thread, kept on globalThis so that a scenario bundled with its own copy of smpsim's modules
 * still finds it.
 */
import type { CpuRuntime } from './runtime.ts';

const RUNTIME = Symbol.for('smpsim.cpu-runtime');

/** The runtime of the CPU this thread simulates, if any. */
export function currentRuntime(): CpuRuntime | undefined {
  return (globalThis as Record<symbol, CpuRuntime | undefined>)[RUNTIME];
}
export function installRuntime(rt: CpuRuntime | undefined): void {
  (globalThis as Record<symbol, CpuRuntime | undefined>)[RUNTIME] = rt;
}
