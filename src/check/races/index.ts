/** Happens-before data-race detection (KCSAN's reports, FastTrack's algorithm). */
export { createRaceDetector, RaceDetector } from './race-detector.ts';
export { position } from './race-access.ts';
export { RACES, type RaceData, type RaceAccess } from './finding-data.ts';
