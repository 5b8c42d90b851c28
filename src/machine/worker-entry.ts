/**
 * The file CPU worker threads start from. Loading the TypeScript worker tree through tsx costs
 * each thread ~270 ms; bundling it once per process with esbuild (~50 ms, cached by content
 * hash) makes a thread start in a fraction of that, which is what an 8-CPU machine's warm-up
 * is made of. The bundle lives inside the package so that its bare imports (piscina, tsx)
 * resolve from the package's node_modules. Without esbuild, or a writable package folder, the
 * small tsx bootstrap (workers/cpu.mjs) is used.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { PACKAGE_ROOT as ROOT } from './package-root.ts';

const BOOTSTRAP = pathToFileURL(join(ROOT, 'workers', 'cpu.mjs')).href;
let entry: string | undefined;

export async function workerEntry(): Promise<string> {
  if (entry) return entry;
  try {
    const esbuild = await import('esbuild');
    const out = esbuild.buildSync({
      entryPoints: [join(ROOT, 'workers', 'cpu.ts')],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      packages: 'external',
      sourcemap: 'inline',
      logLevel: 'silent',
      footer: { js: 'export default runCpuBatch;' },
    });
    const text = out.outputFiles[0]!.text;
    const dir = join(ROOT, '.smpsim-cache');
    const file = join(dir, `cpu-${createHash('sha1').update(text).digest('hex').slice(0, 12)}.mjs`);
    if (!existsSync(file)) {
      mkdirSync(dir, { recursive: true });
      const tmp = `${file}.${process.pid}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, file); // atomic: concurrent processes never see half a file
    }
    entry = pathToFileURL(file).href;
  } catch {
    entry = BOOTSTRAP;
  }
  return entry;
}
