/**
 * Once per `vitest run`: clear the scenario files earlier runs wrote (helpers.ts writes one per
 * scenarioFile() call and leaves it, so that a failing test's scenario can still be read).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function setup(): void {
  rmSync(join(fileURLToPath(new URL('.', import.meta.url)), '.tmp'), { recursive: true, force: true });
}
