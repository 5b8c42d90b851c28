/**
 * The command's flags and subcommands, declared once: commander is configured from this table,
 * the help text shows its defaults (from DEFAULTS), and the README synopsis is generated from it
 * (test/hardening/cli-flags.test.ts checks that they agree). Flag values are checked here, so a
 * bad value is reported by the flag's own name (`--hang-ms`), never by an API option's name.
 */
import { Option, type Command } from 'commander';
import { DEFAULTS, SEED_MAX, SEED_MIN } from '../run/defaults.ts';
import { RUN_STRATEGIES, UsageError } from '../run/options.ts';
import { MEMORY_MODELS, type MemoryModelName } from '../machine/memory-region.ts';

type Parse = (text: string, flag: string) => unknown;

interface FlagDef {
  spec: string;
  help: string;
  /** how the synopsis shows it */
  synopsis: string;
  default?: string | number;
  parse?: Parse;
}

function integer(
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  what = min === 1 ? 'a positive integer' : `an integer ≥ ${min}`,
): Parse {
  return (text, flag) => {
    const n = Number(text);
    if (!/^-?\d+$/.test(text.trim()) || n < min || n > max)
      throw new UsageError(`${flag} must be ${what}, got "${text}"`);
    return n;
  };
}

function decimal(min: number): Parse {
  return (text, flag) => {
    const n = Number(text);
    if (text.trim() === '' || !Number.isFinite(n) || n < min)
      throw new UsageError(`${flag} must be a number ≥ ${min}, got "${text}"`);
    return n;
  };
}

export const FLAGS = {
  trials: {
    spec: '--trials <n>',
    help: 'number of trials',
    synopsis: '[--trials N]',
    default: DEFAULTS.trials,
    parse: integer(1),
  },
  strategy: {
    spec: '--strategy <name>',
    help: `scheduling strategy: ${RUN_STRATEGIES.join(' or ')}`,
    synopsis: `[--strategy ${RUN_STRATEGIES.join('|')}]`,
    default: DEFAULTS.strategy,
  },
  depth: {
    spec: '--depth <d>',
    help: 'PCT depth (bug depth to aim at)',
    synopsis: '[--depth D]',
    default: DEFAULTS.depth,
    parse: integer(1),
  },
  seed: {
    spec: '--seed <s>',
    help: `seed, an integer from ${SEED_MIN} to ${SEED_MAX}`,
    synopsis: '[--seed S]',
    default: DEFAULTS.seed,
    parse: integer(SEED_MIN, SEED_MAX, `an integer from ${SEED_MIN} to ${SEED_MAX}`),
  },
  hangMs: {
    spec: '--hang-ms <ms>',
    help: 'stop and report a task that runs this long without a scheduling point',
    synopsis: '[--hang-ms MS]',
    default: DEFAULTS.hangMs,
    parse: integer(1),
  },
  maxEvents: {
    spec: '--max-events <n>',
    help: 'events one trial may make; a longer trial is cut short and reported as trial-too-long',
    synopsis: '[--max-events N]',
    default: DEFAULTS.maxEvents,
    parse: integer(1),
  },
  preemptionBound: {
    spec: '--preemption-bound <k>',
    help: 'dpor: explore only executions with at most k preemptions (CHESS)',
    synopsis: '[--preemption-bound K]',
    parse: integer(0),
  },
  memory: {
    spec: '--memory <model>',
    help: `memory model, over the scenario's own: ${MEMORY_MODELS.join(', ')}`,
    synopsis: `[--memory ${MEMORY_MODELS.join('|')}]`,
    parse: (text, flag) => {
      if (!MEMORY_MODELS.includes(text as MemoryModelName))
        throw new UsageError(`${flag} must be ${MEMORY_MODELS.join(', ')}, got "${text}"`);
      return text;
    },
  },
  iterate: {
    spec: '--iterate',
    help: 'dpor: with a preemption bound, search with bounds 0, 1 … k in turn',
    synopsis: '[--iterate]',
  },
  maxExecutions: {
    spec: '--max-executions <n>',
    help: `dpor: stop after n executions (default ${DEFAULTS.maxExecutions})`,
    synopsis: '[--max-executions N]',
    parse: integer(1),
  },
  json: { spec: '--json', help: 'print one JSON object', synopsis: '[--json]' },
  trace: { spec: '--trace <file>', help: 'write the trial as a JSON trace timeline', synopsis: '[--trace out.json]' },
  seconds: {
    spec: '--seconds <s>',
    help: 'how long to run',
    synopsis: '[--seconds S]',
    default: DEFAULTS.seconds,
    parse: decimal(0.1),
  },
  lockupMs: {
    spec: '--lockup-ms <ms>',
    help: 'a CPU making no progress this long is locked up',
    synopsis: '[--lockup-ms MS]',
    default: DEFAULTS.lockupMs,
    parse: integer(50, Number.MAX_SAFE_INTEGER, 'an integer ≥ 50'),
  },
  reproduceTrials: {
    spec: '--reproduce-trials <n>',
    help: 'trials of the controlled run that tries to reproduce each finding (0: do not try)',
    synopsis: '[--reproduce-trials N]',
    default: DEFAULTS.reproduceTrials,
    parse: integer(0),
  },
  timeBudget: {
    spec: '--time-budget <t>',
    help: 'stop after this long (30s, 5m, 1h), besides --trials',
    synopsis: '[--time-budget 30s]',
  },
  jobs: {
    spec: '--jobs <n>',
    help: 'machines running disjoint blocks of the trials at once; same findings and tokens for any n (default: as many as have a core per thread; 1 with --out, --resume or --time-budget)',
    synopsis: '[--jobs N]',
    parse: integer(1),
  },
  shard: {
    spec: '--shard <k/n>',
    help: 'run shard k of n of the trials (CI matrices; merge with smpsim merge)',
    synopsis: '[--shard k/n]',
  },
  out: {
    spec: '--out <dir>',
    help: 'campaign folder: findings.jsonl written as each finding is made, summary.json at the end',
    synopsis: '[--out DIR]',
  },
  resume: {
    spec: '--resume <dir>',
    help: 'continue the campaign in <dir> after its last completed trial',
    synopsis: '[--resume DIR]',
  },
  sarif: {
    spec: '--sarif <file>',
    help: "write a SARIF 2.1.0 log (code scanning) with each finding's interleaving",
    synopsis: '[--sarif FILE]',
  },
  html: {
    spec: '--html <file>',
    help: 'write a timeline page of the first finding of each kind (open it in a browser)',
    synopsis: '[--html FILE]',
  },
  choices: {
    spec: '--choices <list>',
    help: 'take these options first, e.g. 1,1,0,0',
    synopsis: '[--choices 1,0,...]',
  },
  step: {
    spec: '--step',
    help: 'be the scheduler of the buggy variant: find the interleaving that breaks it',
    synopsis: '[--step]',
  },
  fixed: { spec: '--fixed', help: 'run the fixed variant', synopsis: '[--fixed]' },
  verify: { spec: '--verify', help: 'run every variant and check its expected verdict', synopsis: '[--verify]' },
} satisfies Record<string, FlagDef>;

export type FlagName = keyof typeof FLAGS;

export interface CommandDef {
  name: string;
  args: string;
  flags: FlagName[];
  /** per-command wording of a flag's help */
  help?: Partial<Record<FlagName, string>>;
}

export const COMMANDS: CommandDef[] = [
  {
    name: 'run',
    args: '<scenario>',
    flags: [
      'trials',
      'timeBudget',
      'strategy',
      'depth',
      'preemptionBound',
      'memory',
      'iterate',
      'maxExecutions',
      'seed',
      'hangMs',
      'maxEvents',
      'jobs',
      'shard',
      'out',
      'resume',
      'json',
      'sarif',
      'html',
    ],
  },
  {
    name: 'replay',
    args: '<scenario> <token>',
    flags: ['trace', 'html', 'sarif', 'hangMs', 'maxEvents'],
    help: {
      html: 'write the trial as a timeline page (open it in a browser)',
      sarif: 'write a SARIF 2.1.0 log with the replayed interleaving',
    },
  },
  { name: 'step', args: '<scenario>', flags: ['choices'] },
  {
    name: 'stress',
    args: '<scenario>',
    flags: ['seconds', 'seed', 'lockupMs', 'reproduceTrials', 'json', 'sarif'],
    help: {
      seed: 'seed of the IRQ source and of the controlled run that tries to reproduce findings',
      sarif: "write a SARIF 2.1.0 log (code scanning) with each reproduced finding's interleaving",
    },
  },
  { name: 'merge', args: '<runs...>', flags: ['json', 'sarif'] },
  {
    name: 'exercises',
    args: '[name]',
    flags: ['fixed', 'verify', 'step', 'trials', 'sarif'],
    help: { sarif: 'write a SARIF 2.1.0 log of the variant run, or with --verify of every variant (code scanning)' },
  },
  { name: 'tour', args: '', flags: [] },
];

/** Add the declared flags of subcommand `name` to `cmd`. */
export function addFlags(cmd: Command, name: string): Command {
  const def = COMMANDS.find((c) => c.name === name);
  if (!def) throw new Error(`no command "${name}" in COMMANDS`);
  for (const key of def.flags) {
    const f: FlagDef = FLAGS[key];
    const o = new Option(f.spec, def.help?.[key] ?? f.help);
    const flag = f.spec.split(' ')[0]!;
    const parse = f.parse;
    if (parse) o.argParser((v: string) => parse(v, flag));
    if (f.default !== undefined) o.default(f.default);
    cmd.addOption(o);
  }
  return cmd;
}

/** The synopsis the README shows, one line per subcommand, then the exit status. */
export function synopsis(width = 100): string {
  const lines = COMMANDS.map((c) => {
    const head = ['smpsim', c.name, c.args].filter(Boolean).join(' ');
    const indent = ' '.repeat(`smpsim ${c.name} `.length);
    const rows = [head];
    for (const part of c.flags.map((k) => FLAGS[k].synopsis)) {
      const last = rows.length - 1;
      if (rows[last]!.length + 1 + part.length > width) rows.push(indent + part);
      else rows[last] += ` ${part}`;
    }
    return rows.join('\n');
  });
  return [
    ...lines,
    'smpsim --version',
    'exit status: 0 no findings · 1 findings · 2 usage, load or internal error',
  ].join('\n');
}
