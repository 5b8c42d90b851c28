/**
 * A scenario's bundle reused across processes while none of the files it was made from has
 * changed, so a warm `smpsim run` imports no esbuild and starts no esbuild service (together
 * a good part of a cold start). The manifest lists each input with its size and modification
 * time; any difference, or a missing bundle, means bundling again.
 */
import { cachedIntact } from '../machine/cache-file.ts';
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE_DIR } from '../machine/cache-file.ts';

interface Manifest {
  bundle: string;
  /** [absolute path, size, mtimeMs] of every file the bundle was made from */
  inputs: [string, number, number][];
}

function manifestFile(key: string): string {
  return join(CACHE_DIR, `scenario-${createHash('sha1').update(key).digest('hex').slice(0, 16)}.json`);
}

/** The URL of the bundle recorded under `key` (the scenario and what it binds to), if still current. */
export function cachedBundle(key: string): string | undefined {
  try {
    const m = JSON.parse(readFileSync(manifestFile(key), 'utf8')) as Manifest;
    // a bundle cut short (a full disk, a killed writer) is made again
    if (!cachedIntact(m.bundle)) return undefined;
    for (const [file, size, mtimeMs] of m.inputs) {
      const st = statSync(file);
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    }
    return pathToFileURL(m.bundle).href;
  } catch {
    return undefined;
  }
}

/** Record what `bundle` was made from (esbuild's metafile inputs, relative to the working directory). */
export function rememberBundle(key: string, bundle: string, inputs: string[]): void {
  try {
    const m: Manifest = {
      bundle,
      inputs: inputs.map((f) => {
        const abs = resolve(f);
        const st = statSync(abs);
        return [abs, st.size, st.mtimeMs];
      }),
    };
    const file = manifestFile(key);
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(m));
    renameSync(tmp, file);
  } catch {
    // without a manifest the next process bundles again: slower, never wrong
  }
}
