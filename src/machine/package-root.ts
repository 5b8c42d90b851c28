/**
 * The smpsim package folder, found by walking up from this module to the package.json named
 * smpsim: right whether this file runs from src/ or from a bundle in .smpsim-cache/.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function find(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if (JSON.parse(readFileSync(pkg, 'utf8')).name === 'smpsim') return dir;
      } catch {
        // not a package.json we can read: keep walking
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error('smpsim: cannot find the package folder');
    dir = up;
  }
}

export const PACKAGE_ROOT = find();

/** True when smpsim runs from its TypeScript sources, false from the build in dist/. */
export const FROM_SOURCES = new URL(import.meta.url).pathname.endsWith('.ts');

/** The tree the running code comes from: the package folder, or dist/ in the built package. */
export const CODE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
