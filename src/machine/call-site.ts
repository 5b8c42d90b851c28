/**
 * Call sites in the user's scenario, from a V8 stack: the first frame that is not smpsim's own
 * code or Node's. Costly (a stack capture), so it runs only in trials replayed to be reported.
 */
import { fileURLToPath } from 'node:url';
import { join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';

const OWN_DIRS = [
  join(PACKAGE_ROOT, 'src') + sep,
  join(PACKAGE_ROOT, 'workers') + sep,
  join(PACKAGE_ROOT, '.smpsim-cache') + sep,
  join(PACKAGE_ROOT, 'dist') + sep,
];
const FRAME = /^\s*at (?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/;

export interface Frame {
  fn: string;
  file: string;
  line: number;
}

function isOwn(file: string): boolean {
  return (
    file.startsWith('node:') || file.includes(`${sep}node_modules${sep}`) || OWN_DIRS.some((d) => file.startsWith(d))
  );
}

export function userFrame(stack: string | undefined): Frame | undefined {
  if (!stack) return undefined;
  for (const text of stack.split('\n')) {
    const m = FRAME.exec(text);
    if (!m) continue;
    let file = m[2]!;
    if (file.startsWith('file://')) file = fileURLToPath(file);
    if (isOwn(file)) continue;
    const fn = (m[1] ?? '').replace(/^(Object|Module|async)\.?\s*/, '').replace(/^new /, '') || '<anonymous>';
    return { fn, file: relative(process.cwd(), file) || file, line: Number(m[3]) };
  }
  return undefined;
}

/** "file.ts:line\tfunction" of the scenario code calling into smpsim right now. */
export function captureSite(): string {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const stack = new Error().stack;
  Error.stackTraceLimit = limit;
  const f = userFrame(stack);
  return f ? `${f.file}:${f.line}\t${f.fn}` : '?\t?';
}

export function siteText(s: string): { where: string; fn: string } {
  const tab = s.indexOf('\t');
  return tab < 0 ? { where: s || '?', fn: '?' } : { where: s.slice(0, tab), fn: s.slice(tab + 1) };
}
