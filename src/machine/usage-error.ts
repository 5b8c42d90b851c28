/**
 * A kernel call used wrongly by the scenario itself — a call on the wrong kind of object, on
 * an object the state does not declare — rather than a bug the scenario models. It ends the
 * trial like an exception, and the run as a usage error (exit 2): no schedule makes it right.
 */
export class KernelUsageError extends Error {
  override readonly name = 'KernelUsageError';
}

/** By name as well as by class: scenario code may hold another instance of these modules. */
export function isKernelUsageError(e: unknown): e is Error {
  return e instanceof Error && e.name === 'KernelUsageError';
}
