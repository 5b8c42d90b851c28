/**
 * Load a scenario module by path, TypeScript or JavaScript, with no build step: tsx's
 * tsImport() works in the main thread and in worker threads alike (its global hooks do not
 * reach workers on Node 20).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { tsImport } from 'tsx/esm/api';
import { isScenario, type ScenarioDef } from '../machine/declarations.ts';

/** A scenario that cannot be used: the CLI prints the message as one line and exits 2. */
export class ScenarioError extends Error {}

export interface LoadedScenario {
  def: ScenarioDef;
  absPath: string;
}

const cache = new Map<string, Promise<LoadedScenario>>();

export function loadScenario(path: string): Promise<LoadedScenario> {
  const absPath = resolve(path);
  let p = cache.get(absPath);
  if (!p) {
    p = load(path, absPath);
    cache.set(absPath, p);
    p.catch(() => cache.delete(absPath));
  }
  return p;
}

async function load(path: string, absPath: string): Promise<LoadedScenario> {
  if (!existsSync(absPath)) throw new ScenarioError(`cannot open scenario ${path}: no such file`);
  let mod: Record<string, unknown>;
  try {
    mod = (await tsImport(pathToFileURL(absPath).href, import.meta.url)) as Record<string, unknown>;
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).split('\n').find((l) => l.trim()) ?? 'unknown error';
    throw new ScenarioError(`cannot load scenario ${path}: ${msg.trim()}`);
  }
  let s = mod.default;
  if (!isScenario(s) && s && typeof s === 'object' && isScenario((s as Record<string, unknown>).default)) {
    s = (s as Record<string, unknown>).default;
  }
  if (!isScenario(s)) throw new ScenarioError(`scenario ${path} has no default export made by scenario({...})`);
  return { def: s.def, absPath };
}
