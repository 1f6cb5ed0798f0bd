import { InvalidRequestError } from './errors.js';
import type { Progress } from './progress.js';
import { ProgressState } from './progress.js';
import type { Raft } from './raft.js';
import type { Message } from './types.js';
import { MessageType, NO_NODE } from './types.js';

/** The leader's reaction to a message of its own term (or a local one). */
export const stepLeader = (r: Raft, message: Message): void => {
  switch (message.type) {
    case MessageType.BEAT:
      r.bcastHeartbeat();
      return;
    case MessageType.CHECK_QUORUM:
      checkQuorum(r);
      return;
    case MessageType.PROP:
      r.propose(message);
      return;
    case MessageType.READ_INDEX:
      r.readIndex(message);
      return;
    case MessageType.TRANSFER_LEADER:
      transferLeader(r, message);
      return;
  }
  const pr = r.tracker.progress.get(message.from);
  // An answer from a replica no longer in the configuration.
  if (pr === undefined) return;
  switch (message.type) {
    case MessageType.APP_RESP:
      handleAppendResponse(r, message, pr);
      return;
    case MessageType.HEARTBEAT_RESP:
      handleHeartbeatResponse(r, message, pr);
      return;
    case MessageType.SNAP_RESP:
      handleSnapshotResponse(r, message, pr);
      return;
    case MessageType.UNREACHABLE:
      // The pipeline is probably broken: fall back to probing; a chunk goes again on the next heartbeat answer.
      if (pr.state === ProgressState.REPLICATE) pr.becomeProbe();
      else if (pr.state === ProgressState.SNAPSHOT) pr.chunkInflight = false;
      return;
  }
};

/** A leader that has not heard from a quorum for an election timeout may be partitioned away: it steps down. */
const checkQuorum = (r: Raft): void => {
  if (!r.tracker.quorumActive(r.id)) {
    r.cfg.logger.warn('quorum inactive, stepping down', { group: r.group, id: r.id, term: r.term });
    r.becomeFollower(r.term, NO_NODE);
    return;
  }
  for (const [id, pr] of r.tracker.progress) {
    if (id !== r.id) pr.recentActive = false;
  }
};

const handleAppendResponse = (r: Raft, message: Message, pr: Progress): void => {
  pr.recentActive = true;
  const index = message.index ?? 0;
  if (message.reject === true) {
    let nextProbe = message.rejectHint ?? index;
    const hintTerm = message.hintTerm ?? 0;
    // Jump over every entry of terms the follower cannot hold: one round trip per term.
    if (hintTerm > 0) nextProbe = r.log.findConflictByTerm(nextProbe, hintTerm).index;
    if (pr.maybeDecrTo(index, nextProbe)) {
      if (pr.state === ProgressState.REPLICATE) pr.becomeProbe();
      r.maybeSendAppend(message.from, true);
    }
    return;
  }
  const wasPaused = pr.isPaused();
  if (!pr.maybeUpdate(index) && !(pr.match === index && pr.state === ProgressState.PROBE)) return;
  if (pr.state === ProgressState.PROBE) {
    pr.becomeReplicate();
  } else if (pr.state === ProgressState.SNAPSHOT) {
    const snapshotIndex = pr.pendingSnapshot?.index ?? 0;
    if (pr.match >= snapshotIndex || pr.match + 1 >= r.log.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    }
  } else {
    pr.inflights.freeLE(index);
  }
  r.maybeCommit();
  if (wasPaused) r.maybeSendAppend(message.from, true);
  // Fill the window.
  while (r.maybeSendAppend(message.from, false));
  if (message.from === r.leadTransferee && pr.match === r.log.lastIndex()) r.sendTimeoutNow(message.from);
};

const handleHeartbeatResponse = (r: Raft, message: Message, pr: Progress): void => {
  pr.recentActive = true;
  pr.probeSent = false;
  // Acknowledgements may have been lost; free a slot so the follower is probed again.
  if (pr.state === ProgressState.REPLICATE && pr.inflights.full()) pr.inflights.freeFirstOne();
  if (pr.state === ProgressState.SNAPSHOT) {
    if (!pr.chunkInflight) r.sendSnapshotChunk(message.from, pr);
  } else if (pr.match < r.log.lastIndex()) {
    r.maybeSendAppend(message.from, true);
  }
  if (message.context !== undefined && message.context.byteLength > 0) r.readAcknowledged(message.from, message.context);
};

const handleSnapshotResponse = (r: Raft, message: Message, pr: Progress): void => {
  // Answers about another snapshot, or arriving after the transfer ended, are stale.
  if (pr.state !== ProgressState.SNAPSHOT || pr.pendingSnapshot?.index !== message.index) return;
  pr.recentActive = true;
  if (message.reject === true) {
    pr.restartSnapshot();
    r.sendSnapshotChunk(message.from, pr);
  } else if (pr.maybeAckChunk(message.offset ?? 0)) {
    r.sendSnapshotChunk(message.from, pr);
  }
};

const transferLeader = (r: Raft, message: Message): void => {
  const target = message.from;
  if (!r.tracker.isVoter(target)) {
    return r.refuse(message, new InvalidRequestError(`cannot transfer leadership to ${target}: not a voter`));
  }
  if (r.leadTransferee === target || target === r.id) return;
  r.leadTransferee = target;
  // The transfer must finish within an election timeout, counted from now.
  r.electionElapsed = 0;
  const pr = r.tracker.progress.get(target) as Progress;
  if (pr.match === r.log.lastIndex()) r.sendTimeoutNow(target);
  else r.maybeSendAppend(target, true);
};
