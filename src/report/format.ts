/** Pieces every report shares: the title block, lock lines, the CPU-column scenario table. */
import type { RenderContext } from './render-context.ts';
import type { EventRef } from '../check/detector.ts';

/** Every report opens with its title (the kernel's wording) underlined to its width. */
export function banner(title: string): string[] {
  return [title, '='.repeat(title.length)];
}

/** `(name), at: file.ts:line` */
export function lockLine(ctx: RenderContext, obj: number, ref: EventRef | undefined, prefix = ''): string {
  return `${prefix}(${ctx.layout.objName(obj)}), at: ${ref ? ctx.site(ref) : '?'}`;
}

/** comm/pid of a pid (swapper/N for an idle CPU's context). */
export function taskId(ctx: RenderContext, pid: number, cpu: number): string {
  return `${ctx.layout.comm(pid, cpu)}/${pid}`;
}

export interface TableRow {
  /** column (0-based) */
  col: number;
  text: string;
}

/**
 * The kernel's "Possible unsafe locking scenario" table: one column per CPU; the first
 * header at 7 spaces and its rows at 2, the second column (header and rows) at 31.
 */
export function scenarioTable(headers: string[], rows: TableRow[]): string[] {
  const W = 31;
  const headAt = (i: number): number => (i === 0 ? 7 : i * W);
  const rowAt = (i: number): number => (i === 0 ? 2 : i * W);
  let head = '';
  let dash = '';
  headers.forEach((h, i) => {
    head = head.padEnd(headAt(i)) + h;
    dash = dash.padEnd(headAt(i)) + '-'.repeat(h.length);
  });
  const out = [head, dash];
  for (const r of rows) out.push(''.padEnd(rowAt(r.col)) + r.text);
  return out;
}

/** The simulated slab: each kmalloc handle has its own 128-byte slot in the direct map. */
export const slabAddr = (handle: number, byte: number): string =>
  `ffff8881${(handle * 128 + byte).toString(16).padStart(8, '0')}`;
