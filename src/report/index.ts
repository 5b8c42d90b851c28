/** The end every report shares: the detector's own drawing, then the replay command. */
import type { RenderContext, Renderer } from './render-context.ts';

/** A word as a POSIX shell reads it back: plain when it can be, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w./@+:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The one command line that replays a token (every report and message prints this one). */
export function replayCommand(displayPath: string, token: string): string {
  return `smpsim replay ${shellWord(displayPath)} ${shellWord(token)}`;
}

/** A finding's full report: `body` is what its detector's renderer drew. */
export function renderReport(body: string, ctx: RenderContext, token: string): string {
  return `${body.replace(/\s+$/, '')}\n\nreplay: ${replayCommand(ctx.scenarioPath, token)}\n`;
}

export type { RenderContext, Renderer };
