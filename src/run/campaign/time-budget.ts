/** `--time-budget 30s`: a duration with a unit (ms, s, m, h), as CI job limits are written. */
import { UsageError } from '../options.ts';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  const ms = m ? Number(m[1]) * UNIT_MS[m[2] ?? 's']! : NaN;
  if (!m || !(ms > 0)) throw new UsageError(`--time-budget must be a duration such as 30s, 5m or 500ms, got "${text}"`);
  return ms;
}
