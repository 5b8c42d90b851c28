/**
 * What a renderer may ask while drawing a finding: names of objects, and call sites of the
 * events the finding refers to. Sites exist only in trials replayed with site capture on;
 * elsewhere they print as "?".
 */
import type { EventRef, RawFinding } from '../check/detector.ts';
import type { EventLog } from '../machine/events.ts';
import type { Layout } from '../machine/layout.ts';

export interface RenderContext {
  layout: Layout;
  /** "file.ts:line" of an event's call site in the scenario, or "?" */
  site(ref: EventRef): string;
  /** the event log of a trial of this run, when it was kept (capture replays keep them) */
  events(trial: number): EventLog | undefined;
  /** the scenario's path as the user gave it */
  scenarioPath: string;
  /** pid → printed task name ("cpu0/1001" style names come from here) */
  taskName(pid: number): string;
}

/** Draws the body of one detector's findings (banner and details, not the replay line). */
export type Renderer<D = unknown> = (finding: RawFinding<D>, ctx: RenderContext) => string;
