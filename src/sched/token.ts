/**
 * Schedule tokens: a printable, versioned record of one or more trials' choices.
 *
 *   v2:random:42:c2:t17n7:0a1Z5Z1:s0k3f9a      one trial (trial 17 of a random run, seed 42,
 *                                              2 CPUs, 7 choices recorded)
 *   v2:random:42:c2:t3n2:01+t17n3:0a1:s1x0c2d  several trials replayed in order (lockdep's history)
 *
 * A choice is an index into the option list at a decision point with two or more options.
 * Choices 0-35 are one character [0-9a-z]; a run of three or more zeros is Z<count base 36>Z;
 * a choice of 36 or more is X<value base 36>X. Only characters a shell leaves alone are used.
 *
 *   v2:random:1:c2:t0n59798:R0k3f9a:s1x0c2d    a long trial of a strategy whose choices follow
 *                                              from the seed and the trial number alone
 *
 * A random walk's choices are incompressible (about one bit each), so a long trial would make a
 * token of tens of kilobytes. Its choices are instead named by their count and a digest: the
 * replay draws them again from the seed and refuses the token if they differ.
 *
 * A token is pasted from logs and chat, where it gets cut short or mangled. Each trial states
 * how many choices it holds and the token ends with a checksum of everything before it, so a
 * damaged token is refused rather than replayed as some other schedule; the counts also bound
 * what decoding may allocate, before it allocates.
 */
export const TOKEN_VERSION = 'v2';
/** Choices one token may hold in all (about what a trial of the largest --max-events makes). */
export const MAX_TOKEN_CHOICES = 10_000_000;
/** A choice indexes an option list; no decision point offers this many options. */
const MAX_CHOICE = 36 ** 4;

/** Past this many choices, a trial of a regenerable strategy is named by digest. */
export const LONG_TRIAL_CHOICES = 4096;

export interface TrialSchedule {
  trial: number;
  /** the recorded choices (empty when the trial is regenerated) */
  choices: number[];
  /** the choices are drawn again from the seed: how many there are, and their digest */
  regenerated?: { count: number; digest: number };
}

/** One step of the choices' digest (FNV-1a over the choice values). */
export function digestChoice(h: number, choice: number): number {
  return Math.imul(h ^ choice, 0x01000193);
}
export const DIGEST_START = 0x811c9dc5 | 0;
const DIGEST_DIGITS = 6;
/** The digest as a token prints it: six base-36 digits. */
export function digestText(h: number): string {
  return ((h >>> 0) % 36 ** DIGEST_DIGITS).toString(36).padStart(DIGEST_DIGITS, '0');
}

export interface Token {
  strategy: string;
  seed: number;
  cpus: number;
  /** the memory model the run chose over the scenario's (`--memory`): `c2weak` */
  memory?: string;
  trials: TrialSchedule[];
}

export class TokenError extends Error {}

export function encodeChoices(choices: ArrayLike<number>, n = choices.length): string {
  let out = '';
  for (let i = 0; i < n; ) {
    const c = choices[i]!;
    if (c === 0) {
      let run = 1;
      while (i + run < n && choices[i + run] === 0) run++;
      out += run >= 3 ? `Z${run.toString(36)}Z` : '0'.repeat(run);
      i += run;
      continue;
    }
    out += c < 36 ? c.toString(36) : `X${c.toString(36)}X`;
    i++;
  }
  return out;
}

/** Decode one trial's choices, which the token says are `count`; never allocates past it. */
export function decodeChoices(s: string, count: number): number[] {
  const out = new Array<number>(count);
  let n = 0;
  const room = (k: number): void => {
    if (n + k > count) throw new TokenError(`more choices than the ${count} the trial records`);
  };
  for (let i = 0; i < s.length; ) {
    const ch = s[i]!;
    if (ch === 'Z' || ch === 'X') {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) throw new TokenError(`unterminated ${ch} in choices`);
      const v = parseBase36(s.slice(i + 1, end));
      if (ch === 'Z') {
        room(v);
        out.fill(0, n, n + v);
        n += v;
      } else {
        if (v >= MAX_CHOICE) throw new TokenError(`choice ${v} is out of range`);
        room(1);
        out[n++] = v;
      }
      i = end + 1;
      continue;
    }
    room(1);
    out[n++] = parseBase36(ch);
    i++;
  }
  if (n !== count) throw new TokenError(`${n} choices where the trial records ${count} (the token was cut short?)`);
  return out;
}

function parseBase36(s: string): number {
  // seven digits are past MAX_TOKEN_CHOICES already: refuse before the number grows unbounded
  if (!/^[0-9a-z]{1,7}$/.test(s)) throw new TokenError(`bad choice "${s.length > 12 ? `${s.slice(0, 12)}…` : s}"`);
  return parseInt(s, 36);
}

/**
 * One trial's part of a token. `regenerable`: the strategy that made the choices draws them from
 * the seed and the trial number alone, so a long trial is named by digest.
 */
export function segment(trial: number, choices: ArrayLike<number>, n = choices.length, regenerable = false): string {
  if (regenerable && n > LONG_TRIAL_CHOICES) {
    let h = DIGEST_START;
    for (let i = 0; i < n; i++) h = digestChoice(h, choices[i]!);
    return regeneratedSegment(trial, n, h);
  }
  return `t${trial}n${n}:${encodeChoices(choices, n)}`;
}

/** Segments of several runs as one history: in trial order, each trial once. */
export function inHistoryOrder(segments: Iterable<string>): string[] {
  const trialOf = (s: string): number => Number(/^t(\d+)n/.exec(s)?.[1] ?? -1);
  return [...new Set(segments)].sort((a, b) => trialOf(a) - trialOf(b));
}

/** FNV-1a of the token's text, six base-36 digits. */
function checksum(text: string): string {
  let h = DIGEST_START;
  for (let i = 0; i < text.length; i++) h = digestChoice(h, text.charCodeAt(i));
  return digestText(h);
}

/** A token body (everything before the checksum) made whole. */
export function sealToken(body: string): string {
  return `${body}:s${checksum(body)}`;
}

export function encodeToken(
  t: { strategy: string; seed: number; cpus: number; memory?: string },
  segments: string[],
): string {
  return sealToken(`${TOKEN_VERSION}:${t.strategy}:${t.seed}:c${t.cpus}${t.memory ?? ''}:${segments.join('+')}`);
}

/** A well-formed token's trial segments, as encodeToken() joined them: decoded, then written again by segment(). */
export function tokenSegments(token: string): string[] {
  return decodeToken(token).trials.map((t) =>
    t.regenerated
      ? regeneratedSegment(t.trial, t.regenerated.count, t.regenerated.digest)
      : segment(t.trial, t.choices),
  );
}

/** A long regenerable trial's segment: its choices' count and digest. */
function regeneratedSegment(trial: number, n: number, digest: number): string {
  return `t${trial}n${n}:R${digestText(digest)}`;
}

export function decodeToken(token: string): Token {
  const text = token.trim();
  const shown = text.length > 80 ? `${text.slice(0, 60)}…${text.slice(-12)}` : text;
  const fail = (why: string): never => {
    throw new TokenError(`malformed replay token "${shown}": ${why}`);
  };
  const version = /^v\d+(?=:)/.exec(text)?.[0];
  if (version && version !== TOKEN_VERSION) {
    throw new TokenError(
      `replay token "${shown}" is version ${version}, from another smpsim release; this one reads ${TOKEN_VERSION} tokens: run the scenario again for a new token`,
    );
  }
  const cut = text.lastIndexOf(':s');
  if (cut < 0 || !/^[0-9a-z]{6}$/.test(text.slice(cut + 2))) fail('no checksum at the end (the token was cut short?)');
  const body = text.slice(0, cut);
  if (checksum(body) !== text.slice(cut + 2)) fail('checksum does not match (the token was cut short or changed)');
  const parts = body.split(':');
  if (parts.length < 6)
    fail(`expected ${TOKEN_VERSION}:<strategy>:<seed>:c<cpus>:t<trial>n<count>:<choices>:s<checksum>`);
  const [, strategy, seedText, cpuText] = parts as [string, string, string, string];
  if (!/^[a-z]+$/.test(strategy)) fail('bad strategy');
  if (!/^-?\d{1,10}$/.test(seedText)) fail('bad seed');
  const machine = /^c(\d{1,3})(sc|tso|weak)?$/.exec(cpuText);
  if (!machine) fail('bad cpu count');
  const rest = parts.slice(4).join(':');
  let total = 0;
  const trials = rest.split('+').map((seg) => {
    const m = /^t(\d{1,9})n(\d{1,9}):(R[0-9a-z]{6}|[0-9a-zXZ]*)$/.exec(seg);
    if (!m) return fail(`bad trial segment "${seg.length > 40 ? `${seg.slice(0, 40)}…` : seg}"`);
    const count = Number(m[2]);
    total += count;
    if (total > MAX_TOKEN_CHOICES) fail(`more than ${MAX_TOKEN_CHOICES} choices`);
    if (m[3]!.startsWith('R')) {
      return { trial: Number(m[1]), choices: [], regenerated: { count, digest: parseInt(m[3]!.slice(1), 36) } };
    }
    let choices: number[] = [];
    try {
      choices = decodeChoices(m[3]!, count);
    } catch (e) {
      fail((e as Error).message);
    }
    return { trial: Number(m[1]), choices };
  });
  const memory = machine![2];
  return { strategy, seed: Number(seedText), cpus: Number(machine![1]), ...(memory ? { memory } : {}), trials };
}
