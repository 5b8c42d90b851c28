/** Wires the detectors and their renderers into every run (imported for its effect). */
import { registerDetector } from '../check/index.ts';
import { registerRenderer } from '../report/index.ts';
import { createRaceDetector, RACES } from '../check/races/index.ts';
import { renderKcsan } from '../report/kcsan.ts';
import { createLockdep } from '../check/lockdep/index.ts';
import { renderLockdep } from '../report/lockdep.ts';
import { createMightSleep, MIGHT_SLEEP } from '../check/might-sleep/index.ts';
import { renderMightSleep } from '../report/might-sleep.ts';

registerDetector(createRaceDetector);
registerRenderer(RACES, renderKcsan);
registerDetector(createLockdep);
registerRenderer('lockdep', renderLockdep);
registerDetector(createMightSleep);
registerRenderer(MIGHT_SLEEP, renderMightSleep);

export {};
