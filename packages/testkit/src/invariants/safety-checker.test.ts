import { EntryType, MessageType, NO_NODE, nodeId, Role, groupId } from '@flotilla/raft';
import type { ConfState, Entry, HardState, Message, Ready } from '@flotilla/raft';
import { beforeEach, describe, expect, it } from 'vitest';
import { SafetyChecker } from './safety-checker.js';
import { SafetyViolation } from './safety-violation.js';

// Planted violations: each case feeds the checker a history that breaks one property, so the
// seeded runs passing cannot mean the checker is asleep.

const [n1, n2, n3] = [nodeId(1), nodeId(2), nodeId(3)];
const conf: ConfState = { voters: [n1, n2, n3], votersOutgoing: [], learners: [], learnersNext: [] };
const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const entry = (index: number, term: number, data = `e${index}`): Entry => ({ index, term, type: EntryType.COMMAND, data: bytes(data) });
const hardState = (term: number, commit: number, vote = NO_NODE): HardState => ({ term, vote, commit });

const ready = (parts: Partial<Ready>): Ready => ({
  entries: [],
  snapshotChunks: [],
  committedEntries: [],
  messagesBeforeSync: [],
  messages: [],
  readStates: [],
  mustSync: false,
  ...parts,
});

const voteGrant = (from: number, to: number, term: number): Message => ({
  type: MessageType.VOTE_RESP,
  group: groupId(1),
  from: nodeId(from),
  to: nodeId(to),
  term,
});

const readContext = bytes('c1/1');

describe('SafetyChecker catches planted violations', () => {
  let checker: SafetyChecker;
  beforeEach(() => {
    checker = new SafetyChecker();
    for (const id of [n1, n2, n3]) {
      checker.onStart(id, { hardState: hardState(1, 1), snapshot: { index: 1, term: 1, conf }, entries: [], applied: 1, stateHash: 0, conf });
    }
  });

  /** n2 votes for n1 in term 2 (durably first), n1 wins and appends an entry of its term. */
  const electN1 = (appended = entry(2, 2)): void => {
    checker.onReady(n1, ready({ hardState: hardState(2, 1, n1), softState: { leader: NO_NODE, role: Role.CANDIDATE } }));
    checker.onDurableHardState(n1, hardState(2, 1, n1));
    checker.onReady(n2, ready({ hardState: hardState(2, 1, n1) }));
    checker.onDurableHardState(n2, hardState(2, 1, n1));
    checker.onSend(voteGrant(2, 1, 2));
    checker.onReady(n1, ready({ softState: { leader: n1, role: Role.LEADER }, entries: [appended] }));
  };

  it('accepts a legal history (the control case)', () => {
    electN1();
    checker.onDurableEntries(n1, [entry(2, 2)]);
    checker.onReady(n2, ready({ entries: [entry(2, 2)] }));
    checker.onDurableEntries(n2, [entry(2, 2)]);
    checker.onReady(n1, ready({ hardState: hardState(2, 2, n1) }));
    checker.onReady(n2, ready({ hardState: hardState(2, 2, n1) }));
    checker.onApplied(n1, entry(2, 2), 42);
    checker.onApplied(n2, entry(2, 2), 42);
    checker.onReadIndex(n3, readContext);
    checker.onReady(n3, ready({ readStates: [{ index: 2, context: readContext }] }));
    expect(checker.coverage).toMatchObject({ committedEntries: 1, leaderTerms: 1 });
  });

  it('two leaders in one term', () => {
    checker.onStatus(n1, 5, Role.LEADER);
    expect(() => checker.onStatus(n2, 5, Role.LEADER)).toThrow(SafetyViolation);
  });

  it('two votes granted by one node in one term', () => {
    checker.onDurableHardState(n3, hardState(4, 1, n1));
    checker.onSend(voteGrant(3, 1, 4));
    checker.onDurableHardState(n3, hardState(4, 1, n2));
    expect(() => checker.onSend(voteGrant(3, 2, 4))).toThrow(/granted two votes/);
  });

  it('a vote granted before it is durable', () => {
    checker.onReady(n3, ready({ hardState: hardState(4, 1, n1) }));
    expect(() => checker.onSend(voteGrant(3, 1, 4))).toThrow(/before term 4 was durable/);
    checker.onDurableHardState(n2, hardState(4, 1, NO_NODE));
    expect(() => checker.onSend(voteGrant(2, 1, 4))).toThrow(/before the vote was durable/);
  });

  it('a restart in a term behind a message already sent', () => {
    checker.onDurableHardState(n3, hardState(4, 1, n1));
    checker.onSend(voteGrant(3, 1, 4));
    checker.onStop(n3);
    const start = { snapshot: { index: 1, term: 1, conf }, entries: [], applied: 1, stateHash: 0, conf };
    expect(() => checker.onStart(n3, { ...start, hardState: hardState(3, 1) })).toThrow(/restarted in term 3 after sending messages of term 4/);
    expect(() => checker.onStart(n3, { ...start, hardState: hardState(4, 1, n2) })).toThrow(/having granted it to 1/);
  });

  it('a leader elected without a quorum', () => {
    checker.onReady(n1, ready({ hardState: hardState(2, 1, n1) }));
    expect(() => checker.onReady(n1, ready({ softState: { leader: n1, role: Role.LEADER } }))).toThrow(/votes of \[1\] only/);
  });

  it('a leader elected by the incoming half of a joint configuration alone', () => {
    const joint: ConfState = { voters: [n1, nodeId(4), nodeId(5)], votersOutgoing: [n1, n2, n3], learners: [], learnersNext: [] };
    checker.onConfApplied(n1, 2, joint);
    for (const id of [4, 5]) {
      checker.onStart(nodeId(id), { hardState: hardState(2, 1, n1), snapshot: { index: 1, term: 1, conf }, entries: [], applied: 1, stateHash: 0, conf: joint });
      checker.onSend(voteGrant(id, 1, 2));
    }
    checker.onReady(n1, ready({ hardState: hardState(2, 1, n1) }));
    expect(() => checker.onReady(n1, ready({ softState: { leader: n1, role: Role.LEADER } }))).toThrow(/not a quorum/);
  });

  it('a leader committing an entry of an earlier term by counting replicas (Figure 8)', () => {
    for (const id of [n1, n2]) {
      checker.onReady(id, ready({ entries: [entry(2, 1)] }));
      checker.onDurableEntries(id, [entry(2, 1)]);
    }
    electN1(entry(3, 2));
    expect(() => checker.onReady(n1, ready({ hardState: hardState(2, 2, n1) }))).toThrow(/committed index 2 of term 1/);
  });

  it('a leader committing an entry no quorum holds durably', () => {
    electN1();
    checker.onDurableEntries(n1, [entry(2, 2)]);
    checker.onReady(n2, ready({ entries: [entry(2, 2)] }));
    expect(() => checker.onReady(n1, ready({ hardState: hardState(2, 2, n1) }))).toThrow(/held durably only by \[1\]/);
  });

  it('a leader answering a read before a quorum answered it after the read was asked', () => {
    electN1();
    const heartbeatAnswer = (from: number): Message => ({ type: MessageType.HEARTBEAT_RESP, group: groupId(1), from: nodeId(from), to: n1, term: 2 });
    checker.onDurableHardState(n3, hardState(2, 1, NO_NODE));
    checker.onSend(heartbeatAnswer(3)); // before the read: proves nothing about leading after it
    checker.onReadIndex(n1, readContext);
    expect(() => checker.onReady(n1, ready({ readStates: [{ index: 1, context: readContext }] }))).toThrow(/without confirming its leadership/);
    checker.onSend(heartbeatAnswer(2));
    checker.onReady(n1, ready({ readStates: [{ index: 1, context: readContext }] }));
  });

  it('a read index below what was committed when the read was asked', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2)], hardState: hardState(2, 2) }));
    checker.onReadIndex(n3, readContext);
    expect(() => checker.onReady(n3, ready({ readStates: [{ index: 1, context: readContext }] }))).toThrow(/read index 1/);
  });

  it('same index and term, different content', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2, 'a')] }));
    expect(() => checker.onReady(n2, ready({ entries: [entry(2, 2, 'b')] }))).toThrow(/log matching/);
  });

  it('same index and term, different history before it', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2), entry(3, 3)] }));
    expect(() => checker.onReady(n2, ready({ entries: [entry(2, 3), entry(3, 3)] }))).toThrow(/log matching/);
  });

  it('commit index going backwards', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2), entry(3, 2)], hardState: hardState(2, 3) }));
    expect(() => checker.onReady(n1, ready({ hardState: hardState(2, 2) }))).toThrow(/commit went back/);
  });

  it('a commit index beyond the log', () => {
    expect(() => checker.onReady(n1, ready({ hardState: hardState(2, 5) }))).toThrow(/beyond its log/);
  });

  it('a new leader missing a committed entry (leader completeness)', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2)], hardState: hardState(2, 2) }));
    checker.onDurableHardState(n3, hardState(3, 1, n2));
    checker.onSend(voteGrant(3, 2, 3));
    expect(() => checker.onReady(n2, ready({ hardState: hardState(3, 1, n2), softState: { leader: n2, role: Role.LEADER } }))).toThrow(
      /leader completeness/,
    );
  });

  it('two different entries committed at one index', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2, 'a')], hardState: hardState(2, 2) }));
    expect(() => checker.onReady(n2, ready({ entries: [entry(2, 3, 'b')], hardState: hardState(3, 2) }))).toThrow(/committed a different entry/);
  });

  it('applied state machines diverging', () => {
    for (const id of [n1, n2]) checker.onReady(id, ready({ entries: [entry(2, 2)], hardState: hardState(2, 2) }));
    checker.onApplied(n1, entry(2, 2), 10);
    expect(() => checker.onApplied(n2, entry(2, 2), 11)).toThrow(/applied sequences diverge/);
  });

  it('applying beyond the commit index', () => {
    checker.onReady(n1, ready({ entries: [entry(2, 2)] }));
    expect(() => checker.onApplied(n1, entry(2, 2), 1)).toThrow(/beyond its commit/);
  });

  it('a membership step that allows two disjoint majorities', () => {
    const disjoint: ConfState = { voters: [nodeId(4), nodeId(5), nodeId(6)], votersOutgoing: [], learners: [], learnersNext: [] };
    expect(() => checker.onConfApplied(n1, 2, disjoint)).toThrow(/unsafe membership step/);
  });

  it('two nodes applying different configurations at one index', () => {
    const joint: ConfState = { voters: [n1, n2], votersOutgoing: [n1, n2, n3], learners: [], learnersNext: [] };
    const other: ConfState = { voters: [n2, n3], votersOutgoing: [n1, n2, n3], learners: [], learnersNext: [] };
    checker.onConfApplied(n1, 2, joint);
    expect(() => checker.onConfApplied(n2, 2, other)).toThrow(/configuration at 2/);
  });

  it('a commit lost across a restart', () => {
    checker.onDurableHardState(n1, hardState(2, 3));
    checker.onStop(n1);
    expect(() =>
      checker.onStart(n1, { hardState: hardState(2, 2), snapshot: { index: 1, term: 1, conf }, entries: [entry(2, 2)], applied: 1, stateHash: 0, conf }),
    ).toThrow(/below its durable/);
  });
});
