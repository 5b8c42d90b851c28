/**
 * Start the CPU threads of the machine a scenario needs before the rest of smpsim is loaded,
 * when an earlier process recorded the scenario's agent count and nothing it was made from
 * has changed since. A thread takes ~100 ms to start; started first, that overlaps with
 * loading the command line, the run layer and the scenario on the main thread.
 */
import { resolve } from 'node:path';
import { cpuPool } from '../machine/machine.ts';
import { kernelBundle } from '../machine/worker-entry.ts';
import { bundleKey } from './load-scenario.ts';
import { cachedAgents } from './scenario-bundle-cache.ts';

export async function prestartMachine(path: string): Promise<void> {
  try {
    const agents = cachedAgents(bundleKey(resolve(path), await kernelBundle()));
    // a pool that fails to start fails again, with its error, when the run asks for it
    if (agents) cpuPool(agents).catch(() => {});
  } catch {
    // only a head start: the run goes on without it
  }
}
