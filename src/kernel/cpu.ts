/** The CPU the calling code runs on, for kernel functions. */
import type { CpuRuntime } from '../machine/runtime.ts';
import { currentRuntime } from '../machine/current.ts';

export function thisCpu(fn: string): CpuRuntime {
  const rt = currentRuntime();
  if (!rt || !rt.onCpu) {
    throw new Error(
      `${fn}() called outside a simulated CPU: kernel functions run inside a scenario's tasks and handlers`,
    );
  }
  return rt;
}

/** The runtime when on a CPU, else undefined (reads in check() work off-CPU). */
export function maybeCpu(): CpuRuntime | undefined {
  const rt = currentRuntime();
  return rt && rt.onCpu ? rt : undefined;
}

export { currentRuntime };
