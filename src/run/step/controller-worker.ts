/**
 * The worker side of a live machine: one MachineController exposed over comlink's Node adapter.
 * The driver (the `step` command, a test, a notebook) holds the proxy made by openMachine().
 */
import { parentPort, workerData } from 'node:worker_threads';
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { MachineController } from './controller.ts';

if (!parentPort) throw new Error('controller-worker.ts runs in a worker thread');
Comlink.expose(new MachineController((workerData as { path: string }).path), nodeEndpoint(parentPort));
