/**
 * SIGINT and SIGTERM during a run. The first one stops the run where it is: the command then
 * prints what was found so far, marked interrupted, and exits 1 if that is anything. A second
 * one exits at once. Either way the terminal's cursor, hidden by the progress bar, comes back.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
const SIGNAL_NUMBER = { SIGINT: 2, SIGTERM: 15 } as const;

export interface Interrupts {
  /** aborted by the first signal */
  signal: AbortSignal;
  dispose(): void;
}

export function showCursor(): void {
  if (process.stderr.isTTY) process.stderr.write('\x1b[?25h');
}

export function catchInterrupts(): Interrupts {
  const ac = new AbortController();
  const handler = (sig: (typeof SIGNALS)[number]): void => {
    if (ac.signal.aborted) {
      showCursor();
      process.exit(128 + SIGNAL_NUMBER[sig]);
    }
    process.stderr.write(`\nsmpsim: ${sig}: stopping; printing what was found so far (again to quit at once)\n`);
    ac.abort(new Error(`interrupted by ${sig}`));
  };
  for (const s of SIGNALS) process.on(s, handler);
  return {
    signal: ac.signal,
    dispose() {
      for (const s of SIGNALS) process.off(s, handler);
    },
  };
}
