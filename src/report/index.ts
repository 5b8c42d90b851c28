/** The end every report shares: the detector's own drawing, then the replay command. */
import type { RenderContext, Renderer } from './render-context.ts';

export function replayCommand(displayPath: string, token: string): string {
  const quoted = /^[\w./@+:-]+$/.test(displayPath) ? displayPath : `'${displayPath.replace(/'/g, `'\\''`)}'`;
  return `smpsim replay ${quoted} ${token}`;
}

/** A finding's full report: `body` is what its detector's renderer drew. */
export function renderReport(body: string, ctx: RenderContext, token: string): string {
  return `${body.replace(/\s+$/, '')}\n\nreplay: ${replayCommand(ctx.scenarioPath, token)}\n`;
}

export type { RenderContext, Renderer };
