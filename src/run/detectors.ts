/** Wires the detectors and their renderers into every run (imported for its effect). */
import { registerDetector } from '../check/index.ts';
import { registerRenderer } from '../report/index.ts';
import { createRaceDetector, RACES } from '../check/races/index.ts';
import { renderKcsan } from '../report/kcsan.ts';

registerDetector(createRaceDetector);
registerRenderer(RACES, renderKcsan);

export {};
