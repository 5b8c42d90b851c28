/**
 * Test helpers: write a scenario file inside the project (so `import … from 'smpsim'` resolves
 * to this package), and run the real CLI.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TMP = join(ROOT, 'test', '.tmp');
let n = 0;

/** Write `source` as a scenario module; returns its path relative to the project root. */
export function scenarioFile(name: string, source: string): string {
  mkdirSync(TMP, { recursive: true });
  const file = join(TMP, `${name}-${process.pid}-${n++}.ts`);
  writeFileSync(file, source);
  return relative(process.cwd(), file);
}

/**
 * A one-CPU scenario with one task running `body`: `imports` are the smpsim names it uses
 * beside `scenario`, `state` the inside of its state object.
 */
export function oneTaskScenario(name: string, imports: string, state: string, body: string): string {
  return scenarioFile(
    name,
    `import { scenario, ${imports} } from 'smpsim';
export default scenario({ cpus: 1, state: { ${state} }, tasks: [{ cpu: 0, run: (s: any) => { ${body} } }] });
`,
  );
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function cli(args: string[], timeoutMs = 60_000): CliResult {
  const r = spawnSync(process.execPath, [join(ROOT, 'bin', 'smpsim.mjs'), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: timeoutMs,
    env: { ...process.env, CI: 'true' },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** `path:line` of the first line of scenario `path` that contains `text` (report sites). */
export function siteOf(path: string, text: string): string {
  return `${path}:${
    readFileSync(path, 'utf8')
      .split('\n')
      .findIndex((l) => l.includes(text)) + 1
  }`;
}
