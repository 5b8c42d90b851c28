/** The command's exit status, as documented: what CI scripts branch on. */
export const EXIT = {
  /** no findings */
  CLEAN: 0,
  /** findings (also an interrupted run that found something) */
  FINDINGS: 1,
  /** usage, load or internal error: always one line on stderr */
  ERROR: 2,
} as const;

export const exitFor = (findings: number): number => (findings ? EXIT.FINDINGS : EXIT.CLEAN);
