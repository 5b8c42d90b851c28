/**
 * openMachine(path): a live machine in a worker thread, driven through a comlink proxy. Every
 * call is a message to the controller (controller.ts); errors come back as errors.
 */
import { Worker } from 'node:worker_threads';
import { join } from 'node:path';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { PACKAGE_ROOT } from '../../machine/package-root.ts';
import type { MachineController, StepState } from './controller.ts';
import type { OptionView, StepSnapshot } from './snapshot.ts';

export interface LiveMachine {
  /** the state after the given choices (none: the start) */
  start(choices?: number[]): Promise<StepState>;
  options(): Promise<OptionView[]>;
  choose(i: number): Promise<StepState>;
  snapshot(): Promise<StepSnapshot>;
  undo(): Promise<StepState>;
  token(): Promise<string>;
  /** choose at random (seeded) to the end of the trial */
  random(seed?: number): Promise<StepState>;
  close(): Promise<void>;
}

export function openMachine(path: string): LiveMachine {
  const worker = new Worker(join(PACKAGE_ROOT, 'workers', 'step.mjs'), { workerData: { path } });
  const remote = Comlink.wrap<MachineController>(nodeEndpoint(worker));
  let closed = false;
  return {
    start: (choices) => remote.start(choices),
    options: () => remote.options(),
    choose: (i) => remote.choose(i),
    snapshot: () => remote.snapshot(),
    undo: () => remote.undo(),
    token: () => remote.token(),
    random: (seed) => remote.random(seed),
    async close() {
      if (closed) return;
      closed = true;
      try {
        await remote.close();
      } finally {
        remote[Comlink.releaseProxy]();
        await worker.terminate();
      }
    },
  };
}
