/** A failed seeded run: carries the seed and the command that replays it (law 4 of the house). */
export class SimulationFailure extends Error {
  override readonly name = 'SimulationFailure';

  constructor(
    readonly seed: number,
    readonly step: number,
    readonly phase: string,
    readonly replayCommand: string,
    override readonly cause: unknown,
  ) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`seed ${seed} failed at step ${step} (${phase}): ${detail}\n  replay: ${replayCommand}`);
  }
}
