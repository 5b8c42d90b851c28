/**
 * Progress on stderr: a bar on a terminal, a line every few seconds otherwise (CI logs), and
 * nothing for runs shorter than a second.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, kinds: string[]): void;
  stop(): void;
}

export function progress(total: number, label: string): Progress {
  const started = Date.now();
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | undefined;
    return {
      update(done, kinds) {
        const findings = kinds.length ? kinds.join(', ') : 'nothing';
        if (!bar && Date.now() - started < 1000) return;
        if (!bar) {
          bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: `${label} [{bar}] {value}/{total} trials · found: {findings}`,
              hideCursor: true,
              clearOnComplete: true,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, done, { findings });
        }
        bar.update(done, { findings });
      },
      stop: () => bar?.stop(),
    };
  }
  let last = started;
  return {
    update(done, kinds) {
      const now = Date.now();
      // nothing done yet says nothing (a slow start, or a run about to end in a usage error)
      if (now - last < 5000 || done === 0) return;
      last = now;
      process.stderr.write(
        `${label}: ${done}/${total} trials, found so far: ${kinds.length ? kinds.join(', ') : 'nothing'}\n`,
      );
    },
    stop() {},
  };
}
