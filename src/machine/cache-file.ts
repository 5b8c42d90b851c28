/**
 * smpsim's build cache inside the package folder (bundles of the worker entry and of
 * scenarios), so that the bundles' bare imports resolve from the package's node_modules.
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';

export const CACHE_DIR = join(PACKAGE_ROOT, '.smpsim-cache');

/** Write `text` to `file` in the cache unless it is there; atomic, so concurrent processes never see half a file. */
export function writeCached(file: string, text: string): void {
  if (existsSync(file)) return;
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
