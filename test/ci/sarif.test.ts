/**
 * `--sarif FILE` as code scanning reads it: valid against the SARIF 2.1.0 schema, one rule per
 * finding kind, and each finding's interleaving as one thread flow per CPU in global order.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { FINDING_KINDS } from '../../src/check/finding-kinds.ts';
import { cli, ROOT } from '../helpers.ts';

const schema = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'sarif-schema-2.1.0.json'), 'utf8'));
const validate = new Ajv({ strict: false, allErrors: true, validateFormats: false }).compile(schema);

interface FlowLocation {
  location: { message: { text: string }; physicalLocation?: { region?: { startLine: number } } };
  executionOrder: number;
}
interface SarifResult {
  ruleId: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[];
  partialFingerprints: Record<string, string>;
  codeFlows?: { threadFlows: { id: string; locations: FlowLocation[] }[] }[];
  properties: { replay: string; report: string; signature: string };
}

function sarifOf(args: string[]): {
  log: { runs: { tool: { driver: { rules: { id: string; help: { text: string } }[] } }; results: SarifResult[] }[] };
  status: number | null;
} {
  const file = join(mkdtempSync(join(tmpdir(), 'smpsim-sarif-')), 'out.sarif');
  const r = cli([...args, '--sarif', file]);
  expect(r.stderr).toBe('');
  const log = JSON.parse(readFileSync(file, 'utf8'));
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
  return { log, status: r.status };
}

/** Every step once, numbered 1 … n across the thread flows, each flow in increasing order. */
function expectGlobalOrder(flows: { locations: FlowLocation[] }[]): void {
  const orders = flows.flatMap((t) => t.locations.map((l) => l.executionOrder));
  expect([...orders].sort((a, b) => a - b)).toEqual(Array.from({ length: orders.length }, (_, i) => i + 1));
  for (const t of flows) {
    const own = t.locations.map((l) => l.executionOrder);
    expect(own).toEqual([...own].sort((a, b) => a - b));
  }
}

describe('--sarif', () => {
  it('ABBA: schema-valid, a rule per kind with help, thread flows for CPU0 and CPU1 in global order', () => {
    const { log, status } = sarifOf(['run', 'exercises/abba.ts', '--trials', '200']);
    expect(status).toBe(1);
    const run = log.runs[0]!;
    expect(run.tool.driver.rules.map((r) => r.id)).toEqual([...FINDING_KINDS]);
    for (const r of run.tool.driver.rules) expect(r.help.text).toMatch(/The rule: .*\nWhat goes wrong: .*\nThe fix: /);
    const cycle = run.results.find((r) => r.ruleId === 'circular-dependency')!;
    expect(cycle.message.text).toBe('WARNING: possible circular locking dependency detected');
    expect(cycle.locations[0]!.physicalLocation.artifactLocation.uri).toBe('exercises/abba.ts');
    expect(cycle.partialFingerprints['smpsimSignature/v1']).toMatch(/^[0-9a-f]{64}$/);
    expect(cycle.properties.report).toContain(`replay: smpsim replay exercises/abba.ts ${cycle.properties.replay}`);
    const flows = cycle.codeFlows![0]!.threadFlows;
    expect(flows.map((t) => t.id).sort()).toEqual(['CPU0', 'CPU1']);
    expectGlobalOrder(flows);
    const steps = (id: string) => flows.find((t) => t.id === id)!.locations.map((l) => l.location.message.text);
    expect(steps('CPU0').filter((s) => s.startsWith('spin_lock('))).toEqual(expect.arrayContaining(['spin_lock(a)']));
    expect(steps('CPU1').filter((s) => s.startsWith('spin_lock('))).toEqual(expect.arrayContaining(['spin_lock(b)']));
    // the same bug from another run has the same fingerprint
    const again = sarifOf(['run', 'exercises/abba.ts', '--trials', '50', '--seed', '7']).log.runs[0]!.results.find(
      (r) => r.ruleId === 'circular-dependency',
    )!;
    expect(again.partialFingerprints).toEqual(cycle.partialFingerprints);
  });

  it('a data race: one thread flow per racing CPU, each step at its line in the scenario', () => {
    const { log } = sarifOf(['run', 'exercises/lost-update/buggy.ts', '--trials', '300']);
    const race = log.runs[0]!.results.find((r) => r.ruleId === 'data-race')!;
    expect(race.message.text).toMatch(/^BUG: KCSAN: data-race/);
    const flows = race.codeFlows![0]!.threadFlows;
    expect(flows.map((t) => t.id).sort()).toEqual(['CPU0', 'CPU1']);
    expectGlobalOrder(flows);
    for (const t of flows) {
      const accesses = t.locations.filter((l) => /\.value/.test(l.location.message.text));
      expect(accesses.length).toBeGreaterThan(0);
      for (const a of accesses) expect(a.location.physicalLocation?.region?.startLine).toBeGreaterThan(0);
    }
  });

  it('replay --sarif writes the replayed interleaving; a clean run writes a log with no results', () => {
    const { log: first } = sarifOf(['run', 'exercises/abba.ts', '--trials', '200']);
    const token = first.runs[0]!.results[0]!.properties.replay;
    const { log, status } = sarifOf(['replay', 'exercises/abba.ts', token]);
    expect(status).toBe(1);
    expect(log.runs[0]!.results[0]!.codeFlows![0]!.threadFlows.length).toBe(2);
    const clean = sarifOf(['run', 'exercises/abba-fixed.ts', '--trials', '100']);
    expect(clean.status).toBe(0);
    expect(clean.log.runs[0]!.results).toEqual([]);
  });
});
