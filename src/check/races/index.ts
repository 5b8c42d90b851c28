/** Happens-before data-race detection (KCSAN's reports, FastTrack's algorithm). */
export { createRaceDetector } from './race-detector.ts';
export { RACES, type RaceData, type RaceAccess } from './finding-data.ts';
