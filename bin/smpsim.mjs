#!/usr/bin/env node
// The smpsim command: the compiled CLI in dist/ (built by `npm run build`, and by `prepare` on
// install). In a source checkout whose sources are newer than the build, the TypeScript
// sources run through tsx instead, so an edit is never hidden behind a stale build.
import { existsSync, readdirSync, statSync } from 'node:fs';

const root = new URL('../', import.meta.url);
const built = new URL('dist/src/cli/main.js', root);

function buildIsCurrent() {
  if (!existsSync(built)) return false;
  if (!existsSync(new URL('src/', root))) return true; // an installed package: dist is all there is
  const stamp = new URL('dist/.tsbuildinfo', root);
  if (!existsSync(stamp)) return false;
  const builtAt = statSync(stamp).mtimeMs;
  for (const dir of ['src/', 'workers/', 'exercises/']) {
    for (const f of readdirSync(new URL(dir, root), { recursive: true })) {
      if (f.endsWith('.ts') && statSync(new URL(dir + f, root)).mtimeMs > builtAt) return false;
    }
  }
  return true;
}

let main;
if (buildIsCurrent()) {
  const { headStart } = await import(new URL('dist/src/cli/head-start.js', root).href);
  await headStart(process.argv);
  ({ main } = await import(built.href));
} else {
  const { tsImport } = await import('tsx/esm/api');
  ({ main } = await tsImport('../src/cli/main.ts', import.meta.url));
}
process.exitCode = await main(process.argv);
