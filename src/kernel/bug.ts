/** BUG_ON and WARN_ON: assertions inside scenario code, reported as `assertion` findings. */
import { Op, kfn } from '../machine/events.ts';
import { captureSite, siteText } from '../machine/call-site.ts';
import { thisCpu } from './cpu.ts';

/** BUG_ON(cond): when cond holds, the kernel oopses; here the trial ends with a finding. */
export function BUG_ON(cond: unknown, message?: string): void {
  if (!cond) return;
  const rt = thisCpu('BUG_ON');
  const seq = rt.emit(Op.BUG, -1, 0, 0, kfn('BUG_ON'));
  const where = siteText(captureSite()).where;
  rt.bug(`kernel BUG at ${where}!${message ? ` (${message})` : ''}`, seq);
}

/** WARN_ON(cond): returns cond; when it holds, a warning is recorded and the trial goes on. */
export function WARN_ON(cond: unknown): boolean {
  if (!cond) return false;
  const rt = thisCpu('WARN_ON');
  // the site names the warning (its signature), so it is recorded even off capture runs
  rt.emit(Op.WARN, -1, rt.strings.intern(captureSite(), rt.localTrial), 0, kfn('WARN_ON'));
  return true;
}
