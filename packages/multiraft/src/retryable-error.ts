/**
 * A request that certainly did not change anything and may be tried again: the replica was
 * not the leader when it was proposed, the proposal was overwritten by another leader's entry,
 * or a read lost its leader. The service retries these until its deadline.
 */
export class RetryableError extends Error {
  constructor(
    readonly reason: 'not_leader' | 'no_leader' | 'proposal_lost' | 'read_lost',
    message: string,
  ) {
    super(message);
    this.name = 'RetryableError';
  }
}
