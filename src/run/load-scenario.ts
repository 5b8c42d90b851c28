/**
 * Load a scenario module by path, TypeScript or JavaScript, with no build step for the user.
 *
 * The main thread bundles the scenario once with esbuild: its `smpsim` import is bound to the
 * kernel API that the CPU worker bundle exports (so a thread compiles smpsim once), every other
 * package is left external at its absolute resolved path (so it loads exactly as from the
 * scenario's own folder), and an inline source map keeps call sites and errors pointing at the
 * user's `.ts` lines. CPU workers then import that plain JavaScript
 * file: no TypeScript loader in any worker thread (tsx's global hooks do not reach worker
 * threads on Node 20, and starting one per worker would cost ~150 ms each).
 * Without esbuild, tsx's tsImport() loads the module directly (main thread and workers alike).
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CODE_ROOT, FROM_SOURCES } from '../machine/package-root.ts';
import { CACHE_DIR, readCached, writeCached } from '../machine/cache-file.ts';
import { isObjectDecl, isScenario, type ScenarioDef } from '../machine/declarations.ts';
import { Layout, MAX_STATE_OBJECTS } from '../machine/layout.ts';
import { objectKind } from '../machine/object-kinds.ts';
import { cachedBundle, rememberAgents, rememberBundle } from './scenario-bundle-cache.ts';
import { kernelBundle } from '../machine/worker-entry.ts';

/** A scenario that cannot be used: the CLI prints the message as one line and exits 2. */
export class ScenarioError extends Error {}

/** How a scenario that cannot be imported is reported (also by a worker whose import failed). */
export const LOAD_FAILURE = 'cannot load scenario';

export interface LoadedScenario {
  def: ScenarioDef;
  absPath: string;
  /** what a worker imports to get the same module */
  moduleUrl: string;
  /** true when moduleUrl is the user's source and must go through tsx */
  viaTsx: boolean;
  /** the bundle workers import, and its text: written again if it goes away during the run */
  bundle?: { file: string; text: string };
}

/** The kernel API a scenario's `smpsim` import binds to: the sources, or dist/ in the built package. */
const OWN_SOURCES = join(CODE_ROOT, 'src');
const KERNEL_ENTRY = join(OWN_SOURCES, 'kernel', `index.${FROM_SOURCES ? 'ts' : 'js'}`);
const CACHE = CACHE_DIR;
/** Marks the plugin's own nested resolve call. */
const INNER_RESOLVE = Symbol('smpsim inner resolve');

const cache = new Map<string, Promise<LoadedScenario>>();

/** A bundle names the kernel API it was made against: one made against other sources is not reused. */
export const bundleKey = (absPath: string, kernel: string | undefined): string =>
  `${absPath}\0${kernel ?? KERNEL_ENTRY}`;

export function loadScenario(path: string): Promise<LoadedScenario> {
  const absPath = resolve(path);
  let p = cache.get(absPath);
  if (!p) {
    p = load(path, absPath);
    cache.set(absPath, p);
    p.catch(() => cache.delete(absPath));
  }
  return p;
}

function firstLine(e: unknown): string {
  return ((e instanceof Error ? e.message : String(e)).split('\n').find((l) => l.trim()) ?? 'unknown error').trim();
}

type Esbuild = typeof import('esbuild');

async function esbuildOrNull(): Promise<Esbuild | null> {
  try {
    return await import('esbuild');
  } catch {
    return null;
  }
}

async function bundle(
  esbuild: Esbuild,
  path: string,
  absPath: string,
  kernel: string | undefined,
): Promise<{ file: string; text: string }> {
  let out;
  try {
    out = await esbuild.build({
      entryPoints: [absPath],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      outfile: join(CACHE, 'scenario.mjs'),
      sourcemap: 'inline',
      metafile: true,
      logLevel: 'silent',
      plugins: [
        {
          name: 'smpsim-externals',
          setup(build) {
            build.onResolve({ filter: /^smpsim$/ }, () =>
              kernel ? { path: kernel, external: true } : { path: KERNEL_ENTRY },
            );
            // other packages: external, at the path they resolve to from the importing file
            build.onResolve({ filter: /^[^./]/ }, async (args) => {
              // our own build.resolve() below comes back through this hook: let esbuild resolve it
              if (args.pluginData === INNER_RESOLVE || args.path.startsWith('node:') || args.kind === 'entry-point')
                return undefined;
              if (isBuiltin(args.path)) return { path: args.path, external: true };
              if (args.importer.startsWith(OWN_SOURCES)) return { path: args.path, external: true };
              const r = await build.resolve(args.path, {
                kind: args.kind,
                resolveDir: args.resolveDir,
                pluginData: INNER_RESOLVE,
              });
              if (r.errors.length || !r.path || !isAbsolute(r.path)) return { path: args.path, external: true };
              return { path: pathToFileURL(r.path).href, external: true };
            });
          },
        },
      ],
    });
  } catch (e) {
    const err = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors?.[0];
    const where = err?.location ? `${err.location.file}:${err.location.line}: ` : '';
    throw new ScenarioError(`${LOAD_FAILURE} ${path}: ${err ? `${where}${err.text}` : firstLine(e)}`);
  }
  const text = out.outputFiles[0]!.text;
  const file = join(
    CACHE,
    `scenario-${createHash('sha1').update(absPath).update(text).digest('hex').slice(0, 16)}.mjs`,
  );
  writeCached(file, text);
  rememberBundle(bundleKey(absPath, kernel), file, Object.keys(out.metafile?.inputs ?? {}));
  return { file, text };
}

/** Import a scenario module (by bundle URL, or via tsx) and find its scenario({...}). */
export async function importScenario(url: string, viaTsx: boolean, path = url): Promise<ScenarioDef> {
  let mod: Record<string, unknown>;
  try {
    if (viaTsx) {
      const { tsImport } = await import('tsx/esm/api');
      mod = (await tsImport(url, import.meta.url)) as Record<string, unknown>;
    } else {
      process.setSourceMapsEnabled(true);
      mod = (await import(url)) as Record<string, unknown>;
    }
  } catch (e) {
    throw new ScenarioError(`${LOAD_FAILURE} ${path}: ${firstLine(e)}`);
  }
  let s = mod.default;
  if (!isScenario(s) && s && typeof s === 'object' && isScenario((s as Record<string, unknown>).default)) {
    s = (s as Record<string, unknown>).default;
  }
  if (!isScenario(s)) throw new ScenarioError(`scenario ${path} has no default export made by scenario({...})`);
  return s.def;
}

/** Remember how many agent threads the scenario needs, for prestartMachine() in the next process. */
function noteAgents(key: string, def: ScenarioDef): void {
  let agents: number;
  try {
    agents = new Layout(def).nagents;
  } catch {
    return; // a scenario past a limit: the run says so with its own error
  }
  rememberAgents(key, agents);
}

/** Bundles older than a day are from scenarios long edited or gone: drop them (once per process). */
let pruned = false;
function pruneCache(): void {
  if (pruned) return;
  pruned = true;
  const dayAgo = Date.now() - 24 * 3600 * 1000;
  try {
    for (const f of readdirSync(CACHE)) {
      const file = join(CACHE, f);
      if (f.startsWith('scenario-') && statSync(file).mtimeMs < dayAgo) rmSync(file, { force: true });
    }
  } catch {
    // a cache that cannot be listed is not worth failing a run for
  }
}

async function load(path: string, absPath: string): Promise<LoadedScenario> {
  if (!existsSync(absPath)) throw new ScenarioError(`cannot open scenario ${path}: no such file`);
  const kernel = await kernelBundle();
  const key = bundleKey(absPath, kernel);
  const cached = cachedBundle(key);
  // inUse() reads the bundle, and refuses one cut short
  const kept = cached && inUse(cached.url);
  if (cached && kept) {
    const def = await importBundle(cached.url, kept, path);
    checkStateSize(def, path);
    if (cached.agents === undefined) noteAgents(key, def);
    return { def, absPath, moduleUrl: cached.url, viaTsx: false, bundle: kept };
  }
  const esbuild = await esbuildOrNull();
  let moduleUrl = pathToFileURL(absPath).href;
  let viaTsx = true;
  let made: LoadedScenario['bundle'];
  if (esbuild) {
    try {
      mkdirSync(CACHE, { recursive: true });
      pruneCache();
      made = await bundle(esbuild, path, absPath, kernel);
      moduleUrl = pathToFileURL(made.file).href;
      viaTsx = false;
    } catch (e) {
      if (e instanceof ScenarioError) throw e;
      // an unwritable package folder: fall back to tsx
    }
  }
  const def = made ? await importBundle(moduleUrl, made, path) : await importScenario(moduleUrl, true, path);
  checkStateSize(def, path);
  if (made) noteAgents(key, def);
  return { def, absPath, moduleUrl, viaTsx, bundle: made };
}

/**
 * A bundle this process uses: freshly dated, so that another process pruning day-old bundles
 * leaves it, and kept in memory, so that it can be written again if it goes all the same.
 */
function inUse(url: string): LoadedScenario['bundle'] | undefined {
  const file = fileURLToPath(url);
  const text = readCached(file);
  if (text === undefined) return undefined;
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // dated or not, it is still written again before each batch if it goes
  }
  return { file, text };
}

/** Imports of a bundle that keeps going away before it is read, before giving up. */
const IMPORT_TRIES = 5;

/**
 * Import our own bundle; if it went away before the import (another process pruned the
 * cache), write it again and import it under another URL, since the module loader remembers
 * a failed import by URL.
 */
async function importBundle(url: string, b: NonNullable<LoadedScenario['bundle']>, path: string): Promise<ScenarioDef> {
  for (let tries = 0; ; tries++) {
    try {
      restore(b);
      return await importScenario(tries ? `${url}?retry=${tries}` : url, false, path);
    } catch (e) {
      if (existsSync(b.file) || tries + 1 >= IMPORT_TRIES) throw e;
    }
  }
}

/** Write the bundle again if it went away (another process pruned the cache). */
function restore(b: LoadedScenario['bundle']): void {
  if (b && !existsSync(b.file)) writeCached(b.file, b.text);
}

function checkStateSize(def: ScenarioDef, path: string): void {
  let objects = 0;
  // a per-CPU variable is one object per CPU
  for (const v of Object.values(def.state ?? {}))
    if (isObjectDecl(v)) objects += v.count * (objectKind(v.kind).perCpu ? def.cpus : 1);
  if (objects > MAX_STATE_OBJECTS) {
    throw new ScenarioError(
      `scenario ${path} declares ${objects} state objects; the limit is ${MAX_STATE_OBJECTS} (README, "Limits")`,
    );
  }
}

/** The scenario's part of every batch request: where workers load it, how reports name it. */
export function scenarioBatch(path: string, loaded: LoadedScenario, L: Layout) {
  // another process may have pruned the cache since: workers started for this batch need it
  restore(loaded.bundle);
  return {
    layout: L,
    scenarioPath: loaded.absPath,
    scenarioUrl: loaded.moduleUrl,
    scenarioViaTsx: loaded.viaTsx,
    displayPath: path,
    limits: L.limits,
  };
}
