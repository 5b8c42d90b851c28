/**
 * Findings as a SARIF 2.1.0 log, the format code-scanning services and IDE viewers read.
 *
 * One rule per finding kind (with the rule, what goes wrong, the fix); one result per finding:
 * its first call site is the primary location, the others are related locations, and the
 * interleaving that shows it is a code flow with one thread flow per CPU or agent, whose steps
 * carry their global position in the trial (`executionOrder`), so a viewer can replay the
 * interleaving step by step across threads. The signature gives `partialFingerprints`, so a
 * service de-duplicates one bug across runs.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FINDING_KINDS, type FindingKind } from '../check/finding-kinds.ts';
import { PACKAGE_ROOT } from '../machine/package-root.ts';
import { RULE_HELP } from './rule-help.ts';
import type { Finding } from './finding.ts';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

/** One step of an interleaving: which thread ran it, what it did, and where in the scenario. */
export interface FlowStep {
  /** the CPU or agent, as the reports name it ("CPU0", "CPU1 kworker/1:1") */
  thread: string;
  text: string;
  /** `file.ts:line`, when the step's call site was captured */
  site?: string;
}

/** One run's findings, with the interleaving of each (by index) when it could be replayed. */
export interface SarifRunInput {
  scenario: string;
  findings: Finding[];
  flows?: (FlowStep[] | undefined)[];
  /** what a run adds to the SARIF run's properties (strategy, seed, trials …) */
  properties?: Record<string, unknown>;
}

function version(): string {
  try {
    return String(JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')).version);
  } catch {
    return '0.0.0';
  }
}

/** A file as the reports name it (relative to the working directory, or absolute). */
function artifactLocation(file: string): object {
  const posix = file.split('\\').join('/');
  // outside the working directory (the source root a code-scanning upload is relative to): absolute
  const outside = posix.startsWith('/') || posix.startsWith('../') || /^[A-Za-z]:/.test(posix);
  return outside ? { uri: pathToFileURL(resolve(file)).href } : { uri: encodeURI(posix), uriBaseId: '%SRCROOT%' };
}

/** `file.ts:line` (optionally followed by a tab and a function name) as a SARIF location. */
export function physicalLocation(site: string): object {
  const where = site.split('\t')[0]!;
  const m = /^(.*):(\d+)$/.exec(where);
  return m
    ? { artifactLocation: artifactLocation(m[1]!), region: { startLine: Number(m[2]) } }
    : { artifactLocation: artifactLocation(where) };
}

function rule(kind: FindingKind): object {
  const h = RULE_HELP[kind];
  const text = `The rule: ${h.rule}\nWhat goes wrong: ${h.wrong}\nThe fix: ${h.fix}`;
  const markdown = `**The rule:** ${h.rule}\n\n**What goes wrong:** ${h.wrong}\n\n**The fix:** ${h.fix}`;
  return {
    id: kind,
    name: kind.replace(/(^|-)(\w)/g, (_, _d: string, c: string) => c.toUpperCase()),
    shortDescription: { text: h.name },
    fullDescription: { text: h.rule },
    help: { text, markdown },
    defaultConfiguration: { level: 'error' },
  };
}

/** The threads of an interleaving, each with its steps, numbered in global order from 1. */
function codeFlow(steps: FlowStep[], token: string): object {
  const threads = new Map<string, object[]>();
  steps.forEach((s, i) => {
    let locs = threads.get(s.thread);
    if (!locs) threads.set(s.thread, (locs = []));
    const message = { text: s.text };
    locs.push({
      location: s.site ? { physicalLocation: physicalLocation(s.site), message } : { message },
      executionOrder: i + 1,
    });
  });
  return {
    message: { text: `the interleaving of smpsim replay token ${token}` },
    threadFlows: [...threads].map(([id, locations]) => ({ id, message: { text: id }, locations })),
  };
}

function result(f: Finding, scenario: string, steps: FlowStep[] | undefined): object {
  const [first, ...others] = f.sites;
  return {
    ruleId: f.kind,
    ruleIndex: FINDING_KINDS.indexOf(f.kind),
    level: 'error',
    message: { text: f.title },
    locations: [{ physicalLocation: physicalLocation(first ?? scenario) }],
    ...(others.length
      ? {
          relatedLocations: others.map((s, i) => ({
            id: i + 1,
            physicalLocation: physicalLocation(s),
            message: { text: s.split('\t')[1] ?? s },
          })),
        }
      : {}),
    partialFingerprints: {
      'smpsimSignature/v1': createHash('sha256').update(`${f.kind}\0${f.signature}`).digest('hex'),
    },
    ...(steps?.length ? { codeFlows: [codeFlow(steps, f.replay)] } : {}),
    properties: {
      signature: f.signature,
      replay: f.replay,
      count: f.count,
      firstTrial: f.firstTrial,
      cpus: f.cpus,
      locks: f.locks,
      report: f.report,
    },
  };
}

/** The whole log: one SARIF run per smpsim run (a merge or an exercise book has several). */
export function sarifLog(runs: SarifRunInput[]): object {
  const driver = {
    name: 'smpsim',
    informationUri: 'https://www.npmjs.com/package/smpsim',
    semanticVersion: version(),
    rules: FINDING_KINDS.map(rule),
  };
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: runs.map((r) => ({
      tool: { driver },
      originalUriBaseIds: { '%SRCROOT%': { uri: `${pathToFileURL(process.cwd()).href}/` } },
      artifacts: [{ location: artifactLocation(r.scenario) }],
      results: r.findings.map((f, i) => result(f, r.scenario, r.flows?.[i])),
      properties: { scenario: r.scenario, ...r.properties },
    })),
  };
}
