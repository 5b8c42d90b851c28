import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, scenarioFile } from '../helpers.ts';

describe('a script run under tsx', () => {
  it("starts CPU threads without tsx's hooks (they ran the whole bundle through tsx again)", () => {
    // check() runs on a CPU thread: it reports the flags that thread was started with
    const p = scenarioFile(
      'cpu-flags',
      `import { atomic, atomic_inc, scenario } from 'smpsim';
export default scenario({
  cpus: 2, state: { x: atomic(0) },
  tasks: [{ cpu: 0, run: (s) => atomic_inc(s.x) }, { cpu: 1, run: (s) => atomic_inc(s.x) }],
  check: () => !process.execArgv.some((a) => a.includes('tsx')) || 'CPU thread flags: ' + process.execArgv.join(' '),
});
`,
    );
    const script = join(ROOT, 'test', '.tmp', 'under-tsx.ts');
    writeFileSync(
      script,
      `import { explore, shutdown } from '${join(ROOT, 'src', 'index.ts')}';
const r = await explore(${JSON.stringify(p)}, { trials: 20, reports: false });
console.log(JSON.stringify({ trials: r.trials, findings: r.findings.map((f) => f.title) }));
await shutdown();
`,
    );
    const r = spawnSync(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toEqual({ trials: 20, findings: [] });
    expect(r.status).toBe(0);
  });
});
