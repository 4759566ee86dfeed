/** An `advance` step of a scenario: where in the journal it came (`journal.recorded` then), and the seconds it moved the server's clock. */
export interface ClockStep {
  seq: number;
  seconds: number;
}

/**
 * The clock of a client on real time (command and http drivers), which does not see `advance`
 * steps: a virtual instant at journal position `seq`, less every step taken before that position.
 * By position rather than by value, so a step back is taken out too.
 */
export function realTimeClientClock(steps: readonly ClockStep[]): (virtual: number, seq: number) => number {
  return (virtual, seq) => virtual - steps.filter((step) => step.seq < seq).reduce((sum, step) => sum + step.seconds, 0);
}
