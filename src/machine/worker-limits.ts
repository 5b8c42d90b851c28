/** What a CPU worker thread may use, and how running out of it is named. */
/**
 * Old-generation heap of each CPU worker. A task that allocates without bound then ends its
 * own worker (a finding: out of memory) instead of taking the whole process down with V8's
 * fatal OOM and a native stack.
 */
export const WORKER_HEAP_MB = 512;

/** A worker's death by its heap limit, as its finding says it. */
export const WORKER_OUT_OF_MEMORY = 'out of memory';
