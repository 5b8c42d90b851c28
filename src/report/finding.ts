/** A finding as a run hands it over and every output shows it (the JSON of `--json`, SARIF). */
import type { FindingKind } from '../check/finding-kinds.ts';

export interface Finding {
  kind: FindingKind;
  signature: string;
  title: string;
  cpus: number[];
  locks: string[];
  /** call sites in the scenario, file.ts:line */
  sites: string[];
  /** schedule token: `smpsim replay <scenario> <token>` reproduces it */
  replay: string;
  firstTrial: number;
  count: number;
  /** the full report, in the kernel's shapes, ending with the replay command */
  report: string;
}
