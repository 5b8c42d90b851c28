/**
 * The file CPU worker threads start from. Loading the TypeScript worker tree through tsx costs
 * each thread ~270 ms; a bundle made with esbuild makes a thread start in a fraction of that,
 * which is what an 8-CPU machine's warm-up is made of. The bundle is named by a fingerprint of
 * the sources (paths, sizes, modification times), so a process whose sources have not changed
 * reuses it without running esbuild (~120 ms) at all. Without esbuild, or a writable package
 * folder, the small tsx bootstrap (workers/cpu.mjs) is used, or in the built package the
 * compiled entry itself.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CACHE_DIR, cachedIntact, writeCached } from './cache-file.ts';
import { CODE_ROOT as ROOT, FROM_SOURCES, PACKAGE_ROOT } from './package-root.ts';

const BUILT = !FROM_SOURCES;
const EXT = BUILT ? '.js' : '.ts';
// the built worker entry is plain JavaScript a thread can start from as it is
const BOOTSTRAP = pathToFileURL(join(ROOT, 'workers', BUILT ? 'cpu.js' : 'cpu.mjs')).href;
let entry: string | undefined;
let bundled = false;

/**
 * What the bundle is made of, as a short hash. From the sources: every file under src/ and
 * workers/. From a build in a checkout: its build info, which tsc rewrites whenever any file
 * of the build changes (one stat instead of a hundred). From an installed package (no build
 * info is published): its package.json and worker entry, since its files change only when it
 * is installed again, which replaces its folder, this cache included.
 */
function sourcesFingerprint(): string {
  const h = createHash('sha1');
  const stamp = (file: string): string => {
    const st = statSync(file);
    return `${file}:${st.size}:${st.mtimeMs}\n`;
  };
  if (BUILT) {
    const buildInfo = join(ROOT, '.tsbuildinfo');
    if (existsSync(buildInfo)) h.update(stamp(buildInfo));
    else h.update(stamp(join(PACKAGE_ROOT, 'package.json')) + stamp(join(ROOT, 'workers', 'cpu.js')));
    return h.digest('hex').slice(0, 16);
  }
  for (const dir of ['src', 'workers']) {
    for (const f of readdirSync(join(ROOT, dir), { recursive: true }) as string[]) {
      if (!f.endsWith(EXT) || f.endsWith('.d.ts')) continue;
      h.update(stamp(join(ROOT, dir, f)));
    }
  }
  return h.digest('hex').slice(0, 16);
}

export async function workerEntry(): Promise<string> {
  if (entry) return entry;
  try {
    const file = join(CACHE_DIR, `cpu-${sourcesFingerprint()}.mjs`);
    // a bundle cut short or changed since it was written is made again
    if (!cachedIntact(file)) {
      const esbuild = await import('esbuild');
      const out = esbuild.buildSync({
        entryPoints: [join(ROOT, 'workers', `cpu${EXT}`)],
        bundle: true,
        write: false,
        format: 'esm',
        platform: 'node',
        target: 'node20',
        packages: 'external',
        // no source map: a thread would read and decode one twice the code's size at every start
        logLevel: 'silent',
      });
      writeCached(file, out.outputFiles[0]!.text);
    }
    entry = pathToFileURL(file).href;
    bundled = true;
  } catch {
    entry = BOOTSTRAP;
  }
  return entry;
}

/**
 * What a scenario's `smpsim` import binds to when it is bundled: the worker bundle itself,
 * which exports the kernel API, so that a CPU thread compiles smpsim's code once and the
 * scenario's bundle holds the scenario alone. Undefined without a worker bundle: then the
 * scenario's bundle carries the kernel API itself.
 */
export async function kernelBundle(): Promise<string | undefined> {
  const url = await workerEntry();
  return bundled ? url : undefined;
}
