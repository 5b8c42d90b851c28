/**
 * The package as npm installs it, in a folder of its own: the build (dist/, bin/,
 * package.json, the exercises) copied next to this checkout's node_modules, with no source
 * tree beside it. A command run there uses its own build cache, so a test may damage that
 * cache without touching what other test files run meanwhile, and the cold-start bench
 * measures what a user's node_modules runs.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Build the sources into the copy (never into this checkout's dist/, which commands of other
 * test files may be loading meanwhile), and return the copy's package folder; removeCopy()
 * when done.
 */
export function installedCopy(): string {
  const pkg = join(mkdtempSync(join(tmpdir(), 'smpsim-installed-')), 'smpsim');
  const info = join(pkg, '..', 'tsbuildinfo'); // not among the published files
  const tsc = spawnSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/typescript/bin/tsc'),
      ...['-p', 'tsconfig.build.json', '--outDir', join(pkg, 'dist'), '--tsBuildInfoFile', info],
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  if (tsc.status !== 0) throw new Error('installedCopy: the build failed');
  for (const part of ['bin', 'exercises', 'package.json'])
    cpSync(join(ROOT, part), join(pkg, part), { recursive: true });
  symlinkSync(join(ROOT, 'node_modules'), join(pkg, 'node_modules'), 'dir');
  return pkg;
}

export function removeCopy(pkg: string): void {
  rmSync(join(pkg, '..'), { recursive: true, force: true });
}
