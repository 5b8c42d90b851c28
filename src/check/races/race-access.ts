/** One side of a race as a finding carries it, read from the trial's event log. */
import { CTX_NAMES, EV_WORDS, F_A, F_B, F_CPU, F_CTX, F_FN, F_SITE, F_TID, KFN_NAMES } from '../../machine/events.ts';
import { siteText } from '../../machine/call-site.ts';
import type { TrialInfo } from '../detector.ts';
import type { RaceAccess } from './finding-data.ts';

/** The access of event `seq`: where, by whom, what it read or wrote. */
export function accessAt(t: TrialInfo, seq: number, write: boolean, marked: boolean, ordinal: number): RaceAccess {
  const w = t.events.words;
  const at = seq * EV_WORDS;
  const site = w[at + F_SITE]!;
  return {
    ref: { trial: t.index, seq },
    cpu: w[at + F_CPU]!,
    ctx: w[at + F_CTX]!,
    pid: w[at + F_TID]!,
    write,
    marked,
    value: w[at + F_A]!,
    old: w[at + F_B]!,
    fn: site ? siteText(t.text(site)).fn : (KFN_NAMES[w[at + F_FN]!] ?? '?'),
    ordinal,
  };
}

/** How an access is named across trials: context, kind and per-context ordinal. */
export function position(a: RaceAccess): string {
  return `${CTX_NAMES[a.ctx]}${a.cpu}:${a.marked ? 'marked-' : ''}${a.write ? 'write' : 'read'}#${a.ordinal}`;
}
