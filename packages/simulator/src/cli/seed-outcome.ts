/** What one seeded run came to, as a worker reports it. */
export interface SeedOutcome {
  readonly seed: number;
  /** The failure's message (it names the seed and the replay command); absent on success. */
  readonly failure?: string;
  /** The linearizability checker ran out of budget: no failure, but no proof. */
  readonly undecided: boolean;
}
