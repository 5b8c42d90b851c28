/**
 * A reader that went away (`smpsim run … | head`) is no error of ours: from then on the
 * stream's output is dropped without a word, and the command still ends with its own exit
 * status (findings or not).
 */
export function quietOnEpipe(stream: NodeJS.WriteStream): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    stream.write = (() => true) as typeof stream.write;
  });
}
