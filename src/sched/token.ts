/**
 * Schedule tokens: a printable, versioned record of one or more trials' choices.
 *
 *   v1:random:42:c2:t17:0a1Z5Z1          one trial (trial 17 of a random run, seed 42, 2 CPUs)
 *   v1:random:42:c2:t3:01+t17:0a1        several trials replayed in order (lockdep's history)
 *
 * A choice is an index into the option list at a decision point with two or more options.
 * Choices 0-35 are one character [0-9a-z]; a run of three or more zeros is Z<count base 36>Z;
 * a choice of 36 or more is X<value base 36>X. Only characters a shell leaves alone are used.
 */
export const TOKEN_VERSION = 'v1';

export interface TrialSchedule {
  trial: number;
  choices: number[];
}

export interface Token {
  strategy: string;
  seed: number;
  cpus: number;
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

export function decodeChoices(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; ) {
    const ch = s[i]!;
    if (ch === 'Z' || ch === 'X') {
      const end = s.indexOf(ch, i + 1);
      if (end < 0) throw new TokenError(`unterminated ${ch} in choices`);
      const v = parseBase36(s.slice(i + 1, end));
      if (ch === 'Z') for (let k = 0; k < v; k++) out.push(0);
      else out.push(v);
      i = end + 1;
      continue;
    }
    out.push(parseBase36(ch));
    i++;
  }
  return out;
}

function parseBase36(s: string): number {
  if (!/^[0-9a-z]+$/.test(s)) throw new TokenError(`bad choice "${s}"`);
  return parseInt(s, 36);
}

export function segment(trial: number, choices: ArrayLike<number>, n?: number): string {
  return `t${trial}:${encodeChoices(choices, n)}`;
}

export function encodeToken(t: { strategy: string; seed: number; cpus: number }, segments: string[]): string {
  return `${TOKEN_VERSION}:${t.strategy}:${t.seed}:c${t.cpus}:${segments.join('+')}`;
}

export function decodeToken(token: string): Token {
  const fail = (why: string): never => {
    throw new TokenError(`malformed replay token "${token}": ${why}`);
  };
  const parts = token.trim().split(':');
  if (parts.length < 6) fail('expected v1:<strategy>:<seed>:c<cpus>:t<trial>:<choices>');
  const [version, strategy, seedText, cpuText] = parts as [string, string, string, string];
  if (version !== TOKEN_VERSION) fail(`unknown version "${version}"`);
  if (!/^[a-z]+$/.test(strategy)) fail('bad strategy');
  if (!/^-?\d+$/.test(seedText)) fail('bad seed');
  if (!/^c\d+$/.test(cpuText)) fail('bad cpu count');
  const rest = parts.slice(4).join(':');
  const trials = rest.split('+').map((seg) => {
    const m = /^t(\d+):([0-9a-zXZ]*)$/.exec(seg);
    if (!m) return fail(`bad trial segment "${seg}"`);
    let choices: number[] = [];
    try {
      choices = decodeChoices(m[2]!);
    } catch (e) {
      fail((e as Error).message);
    }
    return { trial: Number(m[1]), choices };
  });
  return { strategy, seed: Number(seedText), cpus: Number(cpuText.slice(1)), trials };
}
