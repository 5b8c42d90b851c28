import { readFileSync } from 'node:fs';
import { afterAll, expect, it } from 'vitest';
import { explore, shutdown } from '../src/index.ts';
import { ROOT, scenarioFile } from './helpers.ts';

afterAll(() => shutdown());

it("the README's scenario gives the findings the README says it gives", async () => {
  const readme = readFileSync(`${ROOT}/README.md`, 'utf8');
  const start = readme.indexOf('```ts\nimport { scenario, spinlock');
  const source = readme.slice(start + 6, readme.indexOf('```', start + 6));
  expect(source.split('\n').length).toBeLessThanOrEqual(22);
  const r = await explore(scenarioFile('readme', source), { trials: 500 });
  const kinds = r.findings.map((f) => f.kind);
  expect(kinds).toContain('inconsistent-lock-state');
  expect(kinds).toContain('deadlock');
  expect(r.findings.find((f) => f.kind === 'inconsistent-lock-state')!.report).toContain(
    'inconsistent {IN-HARDIRQ-W} -> {HARDIRQ-ON-W} usage.',
  );
  expect(r.findings.some((f) => f.kind === 'deadlock' && f.report.includes('<Interrupt> irq 10 (eth0)'))).toBe(true);
});
