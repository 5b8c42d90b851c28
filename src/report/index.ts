/** Draw a finding with the renderer of the detector that made it, and end with its replay. */
import type { RawFinding } from '../check/detector.ts';
import type { Renderer, RenderContext } from './render-context.ts';
import { renderMachine } from './machine.ts';
import { banner } from './format.ts';

const RENDERERS: Record<string, Renderer> = { machine: renderMachine };

export function registerRenderer(detector: string, r: Renderer): void {
  RENDERERS[detector] = r;
}

/** A word as a POSIX shell reads it back: plain when it can be, else single-quoted. */
export function shellWord(s: string): string {
  return /^[\w./@+:-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The one command line that replays a token (every report and message prints this one). */
export function replayCommand(displayPath: string, token: string): string {
  return `smpsim replay ${shellWord(displayPath)} ${shellWord(token)}`;
}

export function renderReport(f: RawFinding, ctx: RenderContext, token: string): string {
  const r = RENDERERS[f.detector];
  const body = r ? r(f, ctx) : banner(f.title).join('\n');
  return `${body.replace(/\s+$/, '')}\n\nreplay: ${replayCommand(ctx.scenarioPath, token)}\n`;
}

export type { RenderContext, Renderer };
