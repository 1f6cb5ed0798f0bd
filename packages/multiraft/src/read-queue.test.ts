import { describe, expect, it } from 'vitest';
import { ReadIndexDroppedError } from '@flotilla/raft';
import type { RawNode } from '@flotilla/raft';
import { ReadQueue } from './read-queue.js';
import type { ReadWaiter } from './read-queue.js';
import { RetryableError } from './retryable-error.js';
import { ServiceError } from './service.js';

/** The one call the queue makes on the core: it records the contexts, or refuses as told. */
const fakeRaft = (refusal?: ReadIndexDroppedError) => {
  const contexts: Uint8Array[] = [];
  const raft = {
    readIndex: (context: Uint8Array) => {
      if (refusal !== undefined) throw refusal;
      contexts.push(context);
    },
  } as unknown as RawNode;
  return { raft, contexts };
};

type Outcome = 'waiting' | 'resolved' | Error;

const reads = (queue: ReadQueue, count: number) => {
  const outcomes: Outcome[] = Array.from({ length: count }, () => 'waiting');
  const cancels = outcomes.map((_, i) => {
    const waiter: ReadWaiter = {
      resolve: () => {
        outcomes[i] = 'resolved';
      },
      reject: (error) => {
        outcomes[i] = error;
      },
    };
    return queue.add(waiter);
  });
  return { outcomes, cancels };
};

const lastContext = (contexts: readonly Uint8Array[]): Uint8Array => {
  const context = contexts.at(-1);
  if (context === undefined) throw new Error('no read index was asked for');
  return context;
};

describe('ReadQueue', () => {
  it('asks the core for one read index for all the reads queued since the last turn', () => {
    const queue = new ReadQueue(7);
    const { raft, contexts } = fakeRaft();
    const { outcomes } = reads(queue, 5);
    expect(queue.hasPending).toBe(true);
    queue.issue(raft, 100);
    expect(contexts).toHaveLength(1);
    expect(queue.hasPending).toBe(false);
    expect(queue.size).toBe(5);

    queue.answered({ index: 12, context: lastContext(contexts) }, 12);
    expect(outcomes).toEqual(Array(5).fill('resolved'));
    expect(queue.size).toBe(0);
  });

  it('asks nothing when no read waits', () => {
    const { raft, contexts } = fakeRaft();
    new ReadQueue(1).issue(raft, 0);
    expect(contexts).toEqual([]);
  });

  it('puts the node id in every context, so two nodes\' reads never share one at the leader', () => {
    const { raft, contexts } = fakeRaft();
    for (const node of [1, 2]) {
      const queue = new ReadQueue(node);
      reads(queue, 1);
      queue.issue(raft, 0);
    }
    const [first, second] = contexts as [Uint8Array, Uint8Array];
    expect(new DataView(first.buffer, first.byteOffset).getUint32(0)).toBe(1);
    expect(new DataView(second.buffer, second.byteOffset).getUint32(0)).toBe(2);
    expect(Buffer.from(first).equals(Buffer.from(second))).toBe(false);
  });

  it('holds the reads until the replica has written the read index', () => {
    const queue = new ReadQueue(1);
    const { raft, contexts } = fakeRaft();
    const { outcomes } = reads(queue, 2);
    queue.issue(raft, 0);
    queue.answered({ index: 20, context: lastContext(contexts) }, 17);
    expect(outcomes).toEqual(['waiting', 'waiting']);
    queue.written(19);
    expect(outcomes).toEqual(['waiting', 'waiting']);
    queue.written(20);
    expect(outcomes).toEqual(['resolved', 'resolved']);
  });

  it('ignores an answer for a context it did not issue', () => {
    const queue = new ReadQueue(1);
    const { raft } = fakeRaft();
    const { outcomes } = reads(queue, 1);
    queue.issue(raft, 0);
    queue.answered({ index: 1, context: new Uint8Array(12) }, 100);
    expect(outcomes).toEqual(['waiting']);
  });

  it('reissues the requests older than a cut-off under a new context; the old context\'s answer is ignored', () => {
    const queue = new ReadQueue(1);
    const { raft, contexts } = fakeRaft();
    const old = reads(queue, 2);
    queue.issue(raft, 10);
    const recent = reads(queue, 1);
    queue.issue(raft, 50);
    const [oldContext, recentContext] = contexts as [Uint8Array, Uint8Array];

    queue.reissue(30);
    expect(queue.hasPending).toBe(true);
    queue.issue(raft, 60);
    expect(contexts).toHaveLength(3);
    queue.answered({ index: 5, context: oldContext }, 5);
    expect(old.outcomes).toEqual(['waiting', 'waiting']);
    queue.answered({ index: 5, context: lastContext(contexts) }, 5);
    expect(old.outcomes).toEqual(['resolved', 'resolved']);
    // The recent batch was not reissued: its own context still answers it.
    queue.answered({ index: 5, context: recentContext }, 5);
    expect(recent.outcomes).toEqual(['resolved']);
  });

  it('turns a refusal for want of a leader into a retryable error, and a full queue into overloaded', () => {
    const noLeader = new ReadQueue(1);
    const withoutLeader = reads(noLeader, 2);
    noLeader.issue(fakeRaft(new ReadIndexDroppedError('no-leader')).raft, 0);
    for (const outcome of withoutLeader.outcomes) {
      expect(outcome).toBeInstanceOf(RetryableError);
      expect(outcome).toMatchObject({ reason: 'no_leader' });
    }

    const full = new ReadQueue(1);
    const overloaded = reads(full, 1);
    full.issue(fakeRaft(new ReadIndexDroppedError('queue-full')).raft, 0);
    expect(overloaded.outcomes[0]).toBeInstanceOf(ServiceError);
    expect(overloaded.outcomes[0]).toMatchObject({ code: 'overloaded' });
    expect(full.size).toBe(0);
  });

  it('lets a cancelled read go at every stage, without touching the others', () => {
    const queue = new ReadQueue(1);
    const { raft, contexts } = fakeRaft();
    const { outcomes, cancels } = reads(queue, 3);
    cancels[0]?.();
    expect(queue.size).toBe(2);
    queue.issue(raft, 0);
    cancels[1]?.();
    queue.answered({ index: 9, context: lastContext(contexts) }, 0);
    expect(queue.size).toBe(1);
    queue.written(9);
    expect(outcomes).toEqual(['waiting', 'waiting', 'resolved']);
  });

  it('rejects every read, wherever it waits', () => {
    const queue = new ReadQueue(1);
    const { raft, contexts } = fakeRaft();
    const awaitingApply = reads(queue, 1);
    queue.issue(raft, 0);
    queue.answered({ index: 9, context: lastContext(contexts) }, 0);
    const issued = reads(queue, 1);
    queue.issue(raft, 0);
    const pending = reads(queue, 1);
    const closing = new ServiceError('shutting_down', 'closing');
    queue.rejectAll(closing);
    expect([...awaitingApply.outcomes, ...issued.outcomes, ...pending.outcomes]).toEqual([closing, closing, closing]);
    expect(queue.size).toBe(0);
  });
});
