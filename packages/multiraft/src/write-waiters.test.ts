import { describe, expect, it } from 'vitest';
import { EntryType } from '@flotilla/raft';
import type { Entry } from '@flotilla/raft';
import type { ApplyResult } from '@flotilla/kv';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';
import type { WriteWaiter } from './write-waiters.js';
import { WriteWaiters } from './write-waiters.js';

const entry = (index: number, term: number): Entry => ({ index, term, type: EntryType.COMMAND, data: new Uint8Array([index]) });
const RESULT: ApplyResult = { op: 'put', succeeded: true, revision: 3, createRevision: 3, modRevision: 3, version: 1 };

/** A waiter that records how it was answered. */
const recordingWaiter = (term: number) => {
  const answers: { resolved?: { result: ApplyResult; entry: Entry }; rejected?: Error } = {};
  const waiter: WriteWaiter = {
    term,
    resolve: (result, applied) => {
      answers.resolved = { result, entry: applied };
    },
    reject: (error) => {
      answers.rejected = error;
    },
  };
  return { waiter, answers };
};

describe('WriteWaiters', () => {
  it('answers a proposal when its entry applies with the term it was proposed in, once the settlement runs', () => {
    const waiters = new WriteWaiters();
    const { waiter, answers } = recordingWaiter(2);
    waiters.add(5, waiter);
    const settlement = waiters.settle(entry(5, 2), RESULT);
    // Nothing is answered until the apply batch is written and the host runs the settlement.
    expect(answers).toEqual({});
    settlement?.();
    expect(answers.resolved).toEqual({ result: RESULT, entry: entry(5, 2) });
    expect(waiters.size).toBe(0);
  });

  it('reports a proposal whose index applied with another term as lost, for the service to retry', () => {
    const waiters = new WriteWaiters();
    const { waiter, answers } = recordingWaiter(2);
    waiters.add(5, waiter);
    waiters.settle(entry(5, 3), RESULT)?.();
    expect(answers.resolved).toBeUndefined();
    expect(answers.rejected).toBeInstanceOf(RetryableError);
    expect(answers.rejected).toMatchObject({ reason: 'proposal_lost' });
  });

  it('reports a proposal as lost when its index holds an entry without a result (a new leader\'s empty entry)', () => {
    const waiters = new WriteWaiters();
    const { waiter, answers } = recordingWaiter(2);
    waiters.add(5, waiter);
    waiters.settle({ index: 5, term: 2, type: EntryType.COMMAND, data: new Uint8Array(0) }, undefined)?.();
    expect(answers.rejected).toMatchObject({ reason: 'proposal_lost' });
  });

  it('has nothing to settle for an index nobody waits on', () => {
    const waiters = new WriteWaiters();
    waiters.add(5, recordingWaiter(2).waiter);
    expect(waiters.settle(entry(4, 2), RESULT)).toBeUndefined();
    expect(waiters.size).toBe(1);
  });

  it('rejects the older proposal at an index that is proposed at again', () => {
    const waiters = new WriteWaiters();
    const older = recordingWaiter(2);
    const newer = recordingWaiter(4);
    waiters.add(5, older.waiter);
    waiters.add(5, newer.waiter);
    expect(older.answers.rejected).toMatchObject({ reason: 'proposal_lost' });
    waiters.settle(entry(5, 4), RESULT)?.();
    expect(newer.answers.resolved?.result).toEqual(RESULT);
  });

  it('abandons the proposals a snapshot jumped over as of unknown outcome, and keeps the later ones', () => {
    const waiters = new WriteWaiters();
    const jumped = [recordingWaiter(2), recordingWaiter(2)];
    const later = recordingWaiter(2);
    waiters.add(6, jumped[0]?.waiter as WriteWaiter);
    waiters.add(7, jumped[1]?.waiter as WriteWaiter);
    waiters.add(8, later.waiter);
    waiters.abandonThrough(7);
    for (const { answers } of jumped) {
      expect(answers.rejected).toBeInstanceOf(ServiceError);
      expect(answers.rejected).toMatchObject({ code: 'unknown_outcome' });
    }
    expect(later.answers).toEqual({});
    expect(waiters.size).toBe(1);
  });

  it('rejects every waiter with the given error', () => {
    const waiters = new WriteWaiters();
    const all = [recordingWaiter(1), recordingWaiter(1)];
    all.forEach(({ waiter }, i) => waiters.add(i + 2, waiter));
    const closing = new ServiceError('shutting_down', 'closing');
    waiters.rejectAll(closing);
    for (const { answers } of all) expect(answers.rejected).toBe(closing);
    expect(waiters.size).toBe(0);
  });
});
