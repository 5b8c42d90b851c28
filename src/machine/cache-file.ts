/**
 * smpsim's build cache inside the package folder (bundles of the worker entry and of
 * scenarios), so that the bundles' bare imports resolve from the package's node_modules.
 *
 * A cached file ends with a digest of its content. A file cut short (a full disk, a killed
 * process on a file system without atomic rename) or edited fails the check and is built
 * again, instead of failing every later run.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';

export const CACHE_DIR = join(PACKAGE_ROOT, '.smpsim-cache');

const SEAL = '\n//# smpsim-digest=';

function digest(text: string): string {
  return createHash('sha1').update(text).digest('hex');
}

/** The content of `file` as it was written, when it is there and whole (it matches the digest it ends with). */
export function readCached(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const at = text.lastIndexOf(SEAL);
  if (at < 0) return undefined;
  const body = text.slice(0, at);
  return text.slice(at + SEAL.length).trimEnd() === digest(body) ? body : undefined;
}

/** True when `file` is there and whole. */
export function cachedIntact(file: string): boolean {
  return readCached(file) !== undefined;
}

/** Write `text` to `file` in the cache unless it is there whole; atomic, so concurrent processes never see half a file. */
export function writeCached(file: string, text: string): void {
  if (cachedIntact(file)) return;
  writeAtomically(file, `${text}${SEAL}${digest(text)}\n`);
}

/** Write `file` in the cache whole or not at all: a reader sees the old file or the new one. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(CACHE_DIR, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
