// Entry of the worker that holds a live machine's controller (smpsim step, openMachine):
// the TypeScript module is loaded through tsImport(), as tsx's hooks do not reach workers.
import { tsImport } from 'tsx/esm/api';

await tsImport('../src/run/step/controller-worker.ts', import.meta.url);
