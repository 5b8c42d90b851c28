/** The last line of a run: "3 findings (deadlock, …)" or "no findings". */
export function findingsSummary(findings: readonly { kind: string }[]): string {
  const n = findings.length;
  const kinds = [...new Set(findings.map((f) => f.kind))].join(', ');
  return n === 0 ? 'no findings' : `${n} finding${n === 1 ? '' : 's'} (${kinds})`;
}
