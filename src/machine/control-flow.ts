/**
 * smpsim's own control flow through scenario code: how a trial's end, a stale stack and a
 * stopped batch unwind a worker's stack. Scenario code that catches everything must rethrow
 * these (the runtime rethrows them past its own handlers).
 */
/**
 * Base of smpsim's own control-flow exceptions: never a scenario's error. Not an Error: these
 * are thrown at the end of most trials, and an Error's stack capture would cost more than the
 * trial itself.
 */
export class ControlFlow {
  constructor(readonly message = 'smpsim control flow') {}
}
/** The trial is over; unwind to the batch loop. */
export class TrialOver extends ControlFlow {}
/** This stack belongs to a trial that is already over; `pending` is the order that woke us. */
export class TrialAbort extends ControlFlow {
  constructor(readonly pending: number) {
    super('trial over');
  }
}
/** The batch is over (or the machine is stopping): leave. */
export class BatchStop extends ControlFlow {}
