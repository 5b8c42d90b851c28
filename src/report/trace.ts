/**
 * A replayed trial as a JSON timeline (the Chrome trace-event format: open it in
 * chrome://tracing or Perfetto): one row per CPU, one instant event per kernel call, with its
 * call site; time is the event's sequence number.
 */
import {
  CTX_NAMES,
  F_A,
  F_B,
  F_CPU,
  F_CTX,
  F_FN,
  F_OBJ,
  F_OP,
  F_SITE,
  KFN_NAMES,
  OP_NAMES,
} from '../machine/events.ts';
import { siteText } from '../machine/call-site.ts';
import type { EventLog } from '../machine/events.ts';

interface TrialLike {
  trial: number;
  events: EventLog;
  strings: string[];
}

export function traceEvents(t: TrialLike): object[] {
  const out: object[] = [];
  for (let i = 0; i < t.events.length; i++) {
    const site = siteText(t.strings[t.events.field(i, F_SITE)] ?? '');
    out.push({
      name: KFN_NAMES[t.events.field(i, F_FN)] ?? OP_NAMES[t.events.field(i, F_OP)],
      ph: 'i',
      s: 't',
      ts: i,
      pid: t.trial,
      tid: t.events.field(i, F_CPU),
      args: {
        op: OP_NAMES[t.events.field(i, F_OP)],
        ctx: CTX_NAMES[t.events.field(i, F_CTX)],
        obj: t.events.field(i, F_OBJ),
        a: t.events.field(i, F_A),
        b: t.events.field(i, F_B),
        site: site.where,
        fn: site.fn,
      },
    });
  }
  return out;
}

export function traceJson(r: { token: string; trials: TrialLike[] }): string {
  return JSON.stringify(
    { displayTimeUnit: 'ns', otherData: { token: r.token }, traceEvents: r.trials.flatMap(traceEvents) },
    null,
    1,
  );
}
