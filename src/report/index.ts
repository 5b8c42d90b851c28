/** Draw a finding with the renderer of the detector that made it, and end with its replay. */
import type { RawFinding } from '../check/detector.ts';
import type { Renderer, RenderContext } from './render-context.ts';
import { renderMachine } from './machine.ts';
import { banner } from './format.ts';

const RENDERERS: Record<string, Renderer> = { machine: renderMachine };

export function registerRenderer(detector: string, r: Renderer): void {
  RENDERERS[detector] = r;
}

export function replayCommand(displayPath: string, token: string): string {
  const quoted = /^[\w./@+:-]+$/.test(displayPath) ? displayPath : `'${displayPath.replace(/'/g, `'\\''`)}'`;
  return `smpsim replay ${quoted} ${token}`;
}

export function renderReport(f: RawFinding, ctx: RenderContext, token: string): string {
  const r = RENDERERS[f.detector];
  const body = r ? r(f, ctx) : banner(f.title).join('\n');
  return `${body.replace(/\s+$/, '')}\n\nreplay: ${replayCommand(ctx.scenarioPath, token)}\n`;
}

export type { RenderContext, Renderer };
