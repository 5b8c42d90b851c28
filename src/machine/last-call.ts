/**
 * What an agent was doing when its worker died or stopped answering: the last kernel call it
 * made in the trial, read from the event log in the shared buffer (the worker is gone, its
 * writes are not). The call site is known only in trials run to be reported (capture).
 */
import { EV_WORDS, F_AGENT, F_CPU, F_FN, F_SITE, F_TID, KFN_NAMES } from './events.ts';
import { H, type Layout } from './layout.ts';
import { siteText } from './call-site.ts';
import { StringTable } from './strings.ts';

export interface LastCall {
  /** the task as the kernel names it: comm/pid */
  task: string;
  /** the kernel function it called last (with parentheses), '' when it called none */
  fn: string;
  /** file:line of that call in the scenario, '' when not captured */
  site: string;
}

export function lastCallOf(m: Int32Array, L: Layout, agent: number): LastCall | undefined {
  const n = Math.min(m[H.NEV]!, L.limits.maxEvents);
  for (let i = n - 1; i >= 0; i--) {
    const at = L.eventBase + i * EV_WORDS;
    if (m[at + F_AGENT] !== agent) continue;
    const pid = m[at + F_TID]!;
    const fn = KFN_NAMES[m[at + F_FN]!];
    const id = m[at + F_SITE]!;
    const site = id ? siteText(new StringTable(m, new Uint8Array(m.buffer), L).get(id)).where : '';
    return { task: `${L.comm(pid, m[at + F_CPU]!)}/${pid}`, fn: fn ? `${fn}()` : '', site };
  }
  return undefined;
}
