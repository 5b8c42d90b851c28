/** Marked accesses to plain shared ints: READ_ONCE / WRITE_ONCE (never a data race alone). */
import { Access } from '../sched/footprint.ts';
import { Op, kfn } from '../machine/events.ts';
import { thisCpu } from './cpu.ts';
import { checkKind, type Shared } from './objects.ts';
import { lastReadFrom, load, markedStore } from './memory-access.ts';

export function READ_ONCE(x: Shared): number {
  const rt = thisCpu('READ_ONCE');
  checkKind(rt, x, 'READ_ONCE');
  rt.point(x.__id, Access.READ);
  const v = load(rt, x.__id, x.__at, false);
  rt.emit(Op.MEM_READ_ONCE, x.__id, v, lastReadFrom, kfn('READ_ONCE'));
  return v;
}

export function WRITE_ONCE(x: Shared, v: number): void {
  const rt = thisCpu('WRITE_ONCE');
  checkKind(rt, x, 'WRITE_ONCE');
  markedStore(rt, x.__id, x.__at, v, kfn('WRITE_ONCE'));
}
