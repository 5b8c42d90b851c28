/** Property-based hunting over interleavings: fast-check arbitraries of schedules and test helpers. */
export { checkScenario, expectNoFindings, scenarioShape, scheduleArbitraryFor, ScenarioCheckError } from './check.ts';
export type { CheckOptions, CheckResult } from './check.ts';
export { scheduleArbitrary, choicesOf, shapeOf, scheduleToken, switchCount } from './schedule.ts';
export type { ScheduleShape, Switch } from './schedule.ts';
