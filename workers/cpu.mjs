// Entry of every CPU worker thread. tsx's global hooks do not reach worker threads on
// Node 20, so the TypeScript entry is loaded through tsImport().
import { tsImport } from 'tsx/esm/api';

const mod = await tsImport('./cpu.ts', import.meta.url);
export default mod.runCpuBatch;
