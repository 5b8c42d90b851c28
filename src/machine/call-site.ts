/**
 * Call sites in the user's scenario, from a V8 stack: the first frame that is not smpsim's own
 * code or Node's. Costly (a stack capture), so it runs only in trials replayed to be reported.
 */
import { findSourceMap } from 'node:module';
import { fileURLToPath } from 'node:url';
import { join, relative, sep } from 'node:path';
import { PACKAGE_ROOT } from './package-root.ts';

const OWN_DIRS = [
  join(PACKAGE_ROOT, 'src') + sep,
  join(PACKAGE_ROOT, 'workers') + sep,
  join(PACKAGE_ROOT, '.smpsim-cache') + sep,
  join(PACKAGE_ROOT, 'dist') + sep,
];
const ANONYMOUS = '<anonymous>';
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
    const fn = (m[1] ?? '').replace(/^(Object|Module|async)\.?\s*/, '').replace(/^new /, '') || ANONYMOUS;
    return { fn, file: relative(process.cwd(), file) || file, line: Number(m[3]) };
  }
  return undefined;
}

/** "file.ts:line\tfunction" of the scenario code calling into smpsim right now. */
export function captureSite(): string {
  const limit = Error.stackTraceLimit;
  const prepare = Error.prepareStackTrace;
  Error.stackTraceLimit = 40;
  // V8's call sites, not the stack's text: formatting every frame (and mapping each through
  // its source map) cost about 100 us a call; only the first frame of the scenario is mapped
  Error.prepareStackTrace = (_e, sites) => sites;
  const holder: { stack?: NodeJS.CallSite[] } = {};
  Error.captureStackTrace(holder, captureSite);
  const sites = holder.stack;
  Error.prepareStackTrace = prepare;
  Error.stackTraceLimit = limit;
  const f = sites && userCallSite(sites);
  return f ? `${f.file}:${f.line}\t${f.fn}` : '?\t?';
}

/**
 * Where each generated position maps to, in the user's code (null: smpsim's or Node's own).
 * A replay captures the same few call sites over and over, and mapping one (a source map
 * lookup, URL parsing, path resolution) costs far more than the stack capture itself.
 */
const mapped = new Map<string, { file: string; line: number } | null>();

/**
 * The first call site in the scenario's own code, through the bundle's source map. When its
 * function has no name (a wait_event() condition, a callback written in place), it is named
 * after the next named function of the scenario's on the stack, the one it was written in, as
 * the kernel's reports name the function a C macro's condition is inlined into.
 */
function userCallSite(sites: NodeJS.CallSite[]): Frame | undefined {
  let first: Frame | undefined;
  for (const site of sites) {
    const where = userPosition(site);
    if (!where) continue;
    const fn = frameName(site);
    if (!first) first = { fn, ...where };
    if (fn !== ANONYMOUS) return { ...first, fn };
  }
  return first;
}

/** Where a frame is in the scenario's code, or null when it is smpsim's or Node's. */
function userPosition(site: NodeJS.CallSite): { file: string; line: number } | null {
  const generated = site.getFileName();
  const line = site.getLineNumber();
  if (!generated || line === null) return null;
  const column = site.getColumnNumber() ?? 1;
  const key = `${generated}:${line}:${column}`;
  let where = mapped.get(key);
  if (where === undefined) {
    where = mapPosition(generated, line, column);
    mapped.set(key, where);
  }
  return where;
}

/** A generated position's place in the user's code, or null when it is not the user's. */
function mapPosition(generated: string, line: number, column: number): { file: string; line: number } | null {
  const entry = findSourceMap(generated)?.findEntry(line - 1, column - 1);
  const source = entry && 'originalSource' in entry ? entry.originalSource : generated;
  const file = source.startsWith('file://') ? fileURLToPath(source) : source;
  if (isOwn(file)) return null;
  const original = entry && 'originalLine' in entry ? entry.originalLine + 1 : line;
  return { file: relative(process.cwd(), file) || file, line: original };
}

/** A frame's function as the stack's text names it ("Type.fn"), cleaned as userFrame() does. */
function frameName(site: NodeJS.CallSite): string {
  const fn = site.getFunctionName() ?? site.getMethodName();
  const type = site.getTypeName();
  const name = `${type !== null && type !== 'global' ? `${type}.` : ''}${fn || ANONYMOUS}`;
  return name.replace(/^(Object|Module|async)\.?\s*/, '').replace(/^new /, '') || ANONYMOUS;
}

export function siteText(s: string): { where: string; fn: string } {
  const tab = s.indexOf('\t');
  return tab < 0 ? { where: s || '?', fn: '?' } : { where: s.slice(0, tab), fn: s.slice(tab + 1) };
}
