/**
 * Load for the "loaded" figure: another process that keeps a core busy until told to stop,
 * as another test file, a parallel CI job or a build would.
 */
import { spawn } from 'node:child_process';

const BUSY_LOOP = 'let x = 0; for (;;) x = (x * 31 + 1) | 0;';

export async function withBusyProcess<T>(body: () => Promise<T>): Promise<T> {
  const child = spawn(process.execPath, ['-e', BUSY_LOOP], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', () => resolve());
    child.once('error', reject);
  });
  try {
    return await body();
  } finally {
    child.kill('SIGKILL');
  }
}
