import { InvalidRequestError, ProposalDroppedError, ReadIndexDroppedError } from './errors.js';
import type { Raft } from './raft.js';
import type { Message } from './types.js';
import { MessageType, NO_NODE } from './types.js';

/** The follower's reaction to a message of its own term (or a local one). */
export const stepFollower = (r: Raft, message: Message): void => {
  switch (message.type) {
    case MessageType.PROP:
      if (r.lead === NO_NODE) return r.refuse(message, new ProposalDroppedError('no-leader'));
      r.send({ ...stripRouting(message), to: r.lead });
      return;
    case MessageType.READ_INDEX:
      if (r.lead === NO_NODE) return r.refuse(message, new ReadIndexDroppedError('no-leader'));
      r.send({ ...stripRouting(message), to: r.lead });
      return;
    case MessageType.TRANSFER_LEADER:
      if (r.lead === NO_NODE) return;
      r.send({ ...stripRouting(message), to: r.lead });
      return;
    case MessageType.APP:
    case MessageType.HEARTBEAT:
    case MessageType.SNAP:
      r.electionElapsed = 0;
      r.lead = message.from;
      handleFromLeader(r, message);
      return;
    case MessageType.TIMEOUT_NOW:
      // Leadership transfer: campaign now, skipping pre-vote and the others' leases.
      r.hup(true);
      return;
    case MessageType.READ_INDEX_RESP:
      if (message.context === undefined) return;
      // The read index is committed at the leader: entries we already hold up to it commit now.
      if (message.from === r.lead) r.learnFromLeader(0, message.index ?? 0);
      r.readStates.push({ index: message.index ?? 0, context: message.context });
      return;
  }
};

/** A message, without the fields `send` stamps again. */
const stripRouting = (message: Message) => {
  const { group: _group, from: _from, to: _to, term: _term, ...rest } = message;
  return rest;
};

/** APP / HEARTBEAT / SNAP from the current leader; candidates fall back to here after stepping down. */
export const handleFromLeader = (r: Raft, message: Message): void => {
  if (message.type === MessageType.APP) handleAppend(r, message);
  else if (message.type === MessageType.HEARTBEAT) handleHeartbeat(r, message);
  else handleSnapshotChunk(r, message);
};

const handleAppend = (r: Raft, message: Message): void => {
  const prevIndex = message.index ?? 0;
  if (prevIndex < r.log.committed) {
    // Everything up to our commit agrees with the leader already.
    r.send({ type: MessageType.APP_RESP, to: message.from, index: r.log.committed });
    return;
  }
  const lastNewIndex = r.log.maybeAppend(prevIndex, message.logTerm ?? 0, message.entries ?? []);
  if (lastNewIndex !== undefined) {
    r.learnFromLeader(lastNewIndex, message.commit ?? 0);
    r.send({ type: MessageType.APP_RESP, to: message.from, index: lastNewIndex });
    return;
  }
  const hint = r.log.findConflictByTerm(Math.min(prevIndex, r.log.lastIndex()), message.logTerm ?? 0);
  r.send({ type: MessageType.APP_RESP, to: message.from, index: prevIndex, reject: true, rejectHint: hint.index, hintTerm: hint.term });
};

const handleHeartbeat = (r: Raft, message: Message): void => {
  // `commit` is what the leader knows we hold; `leaderCommit` may cover entries we hold unknown to it.
  r.log.commitTo(message.commit ?? 0);
  r.learnFromLeader(0, message.leaderCommit ?? 0);
  r.send({
    type: MessageType.HEARTBEAT_RESP,
    to: message.from,
    ...(message.context === undefined ? {} : { context: message.context }),
  });
};

/**
 * One chunk of a snapshot: staged if it continues what we hold, installed when it is the last.
 * A chunk we already have (a duplicate, or a restarted transfer of the same snapshot) is
 * answered with the offset we want next, so the leader resumes instead of starting over.
 */
const handleSnapshotChunk = (r: Raft, message: Message): void => {
  const chunk = message.snapshot;
  if (chunk === undefined) throw new InvalidRequestError('SNAP message without a chunk');
  const { meta } = chunk;
  if (meta.index <= r.log.committed) {
    // Old news: our log is ahead; let the leader resume appends after our commit.
    r.incomingSnapshot = undefined;
    r.send({ type: MessageType.APP_RESP, to: message.from, index: r.log.committed });
    return;
  }
  const staged = r.incomingSnapshot;
  const sameSnapshot = staged !== undefined && staged.meta.index === meta.index && staged.meta.term === meta.term;
  if (chunk.offset === 0 && !sameSnapshot) {
    r.incomingSnapshot = { meta, nextOffset: 0 };
  } else if (!sameSnapshot) {
    r.send({ type: MessageType.SNAP_RESP, to: message.from, index: meta.index, offset: 0, reject: true });
    return;
  }
  const incoming = r.incomingSnapshot as { meta: typeof meta; nextOffset: number };
  if (chunk.offset !== incoming.nextOffset) {
    r.send({ type: MessageType.SNAP_RESP, to: message.from, index: meta.index, offset: incoming.nextOffset });
    return;
  }
  incoming.nextOffset += chunk.data.byteLength;
  r.snapshotChunks.push(chunk);
  if (!chunk.done) {
    r.send({ type: MessageType.SNAP_RESP, to: message.from, index: meta.index, offset: incoming.nextOffset });
    return;
  }
  r.incomingSnapshot = undefined;
  // Answer as an append would, so the leader resumes replication after the snapshot.
  const index = r.restore(meta) ? r.log.lastIndex() : r.log.committed;
  r.learnFromLeader(meta.index, 0);
  r.send({ type: MessageType.APP_RESP, to: message.from, index });
};
