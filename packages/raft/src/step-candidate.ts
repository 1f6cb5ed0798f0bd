import { ProposalDroppedError, ReadIndexDroppedError } from './errors.js';
import type { Raft } from './raft.js';
import { handleFromLeader } from './step-follower.js';
import type { Message } from './types.js';
import { MessageType, Role } from './types.js';

/** A (pre-)candidate's reaction to a message of its own term (or a local one). */
export const stepCandidate = (r: Raft, message: Message): void => {
  switch (message.type) {
    case MessageType.PROP:
      r.refuse(message, new ProposalDroppedError('no-leader'));
      return;
    case MessageType.READ_INDEX:
      r.refuse(message, new ReadIndexDroppedError('no-leader'));
      return;
    case MessageType.APP:
    case MessageType.HEARTBEAT:
    case MessageType.SNAP:
      // A leader exists for this term: follow it.
      r.becomeFollower(message.term, message.from);
      handleFromLeader(r, message);
      return;
    case MessageType.PRE_VOTE_RESP:
      if (r.role === Role.PRE_CANDIDATE) r.poll(message.from, message.reject !== true);
      return;
    case MessageType.VOTE_RESP:
      if (r.role === Role.CANDIDATE) r.poll(message.from, message.reject !== true);
      return;
  }
};
