/**
 * A scenario's bundle reused across processes while none of the files it was made from has
 * changed, so a warm `smpsim run` imports no esbuild and starts no esbuild service (together
 * a good part of a cold start). The manifest lists each input with its size and modification
 * time; any difference, or a missing bundle, means bundling again.
 */
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE_DIR, writeAtomically } from '../machine/cache-file.ts';

interface Manifest {
  bundle: string;
  /** [absolute path, size, mtimeMs] of every file the bundle was made from */
  inputs: [string, number, number][];
  /** the scenario's agent count, once a process has loaded it: a later one starts its threads first */
  agents?: number;
}

function manifestFile(key: string): string {
  return join(CACHE_DIR, `scenario-${createHash('sha1').update(key).digest('hex').slice(0, 16)}.json`);
}

/** The manifest recorded under `key`, if its inputs have not changed since. */
function currentManifest(key: string): Manifest | undefined {
  try {
    const m = JSON.parse(readFileSync(manifestFile(key), 'utf8')) as Manifest;
    for (const [file, size, mtimeMs] of m.inputs) {
      const st = statSync(file);
      if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
    }
    return m;
  } catch {
    return undefined;
  }
}

/**
 * The bundle recorded under `key` (the scenario and what it binds to), if nothing it was made
 * from has changed, with the agent count a process noted for it. Whether the bundle file is
 * still whole is its reader's check (it reads the file anyway).
 */
export function cachedBundle(key: string): { url: string; agents?: number } | undefined {
  const m = currentManifest(key);
  return m && { url: pathToFileURL(m.bundle).href, ...(m.agents === undefined ? {} : { agents: m.agents }) };
}

/** The agent count recorded under `key`, if the scenario has not changed since. */
export function cachedAgents(key: string): number | undefined {
  return currentManifest(key)?.agents;
}

/** Record the agent count of the scenario whose bundle is recorded under `key`. */
export function rememberAgents(key: string, agents: number): void {
  const m = currentManifest(key);
  if (!m || m.agents === agents) return;
  write(key, { ...m, agents });
}

function write(key: string, m: Manifest): void {
  try {
    writeAtomically(manifestFile(key), JSON.stringify(m));
  } catch {
    // without a manifest the next process bundles again: slower, never wrong
  }
}

/** Record what `bundle` was made from (esbuild's metafile inputs, relative to the working directory). */
export function rememberBundle(key: string, bundle: string, inputs: string[]): void {
  let m: Manifest;
  try {
    m = {
      bundle,
      inputs: inputs.map((f) => {
        const abs = resolve(f);
        const st = statSync(abs);
        return [abs, st.size, st.mtimeMs];
      }),
    };
  } catch {
    return; // an input gone already: the next process bundles again
  }
  write(key, m);
}
