/**
 * The one writer of event records (events.ts names the fields). The runtime stamps every
 * kernel call with it; anything else that builds an event log (tests, benches) should call it
 * too, so that a new field is written in one place.
 */
import {
  EV_WORDS,
  EvFlag,
  F_A,
  F_AGENT,
  F_B,
  F_CPU,
  F_CTX,
  F_FLAGS,
  F_FN,
  F_OBJ,
  F_OP,
  F_PCOUNT,
  F_SEQ,
  F_SITE,
  F_TID,
} from './events.ts';

/** Who an event happened to: its CPU, context and state when it happened. */
export interface EventStamp {
  cpu: number;
  /** Ctx.* of the innermost context */
  ctx: number;
  pcount: number;
  irqsOff: boolean;
  /** pid `current` has (0: swapper, an idle CPU) */
  tid: number;
  agent: number;
}

/** Write record `seq` of the log that starts at word `base` of `m`. */
export function writeEventRecord(
  m: Int32Array,
  base: number,
  seq: number,
  s: EventStamp,
  op: number,
  obj: number,
  a: number,
  b: number,
  fn: number,
  site: number,
): void {
  const at = base + seq * EV_WORDS;
  m[at + F_SEQ] = seq;
  m[at + F_CPU] = s.cpu;
  m[at + F_CTX] = s.ctx;
  m[at + F_OP] = op;
  m[at + F_OBJ] = obj;
  m[at + F_A] = a;
  m[at + F_B] = b;
  m[at + F_SITE] = site;
  m[at + F_PCOUNT] = s.pcount;
  m[at + F_FLAGS] = s.irqsOff ? EvFlag.IRQS_DISABLED : 0;
  m[at + F_FN] = fn;
  m[at + F_TID] = s.tid;
  m[at + F_AGENT] = s.agent;
}
