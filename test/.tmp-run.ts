import { explore } from '../src/index.ts';
const r = await explore(process.argv[2]!, { strategy: 'dpor', reports: false, ...(process.argv[3] ? { preemptionBound: Number(process.argv[3]) } : {}) });
console.log(JSON.stringify({ trials: r.trials, ex: r.exhaustive, ms: Math.round(r.elapsedMs), f: r.findings.map((f) => f.kind + ' ' + f.signature) }));
process.exit(0);
