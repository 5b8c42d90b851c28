import { EXERCISES } from '../exercises/index.ts';
import { verifyScenario } from '../src/run/verify.ts';
import { shutdownMachines } from '../src/machine/machine.ts';
for (const e of EXERCISES) {
  for (const path of [e.fixed]) {
    const t = Date.now();
    try {
      const v = await verifyScenario(path, { reports: false, timeBudgetMs: Number(process.argv[2] ?? 20000) });
      console.log(path, JSON.stringify(v.exhaustive), v.findings.map((f) => f.kind).join(','), Date.now() - t, 'ms');
    } catch (err) { console.log(path, 'ERR', (err as Error).message); }
  }
}
await shutdownMachines();
