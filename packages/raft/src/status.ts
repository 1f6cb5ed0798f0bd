import type { ProgressState } from './progress.js';
import type { ConfState, HardState, NodeId, Role, SoftState } from './types.js';

/** The leader's view of one replica. */
export interface PeerProgress {
  readonly id: NodeId;
  readonly match: number;
  readonly next: number;
  readonly state: ProgressState;
  readonly isLearner: boolean;
  readonly recentActive: boolean;
}

/** A snapshot of a replica's Raft state, for operators and tests. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly lastIndex: number;
  readonly conf: ConfState;
  /** Leader only. */
  readonly progress?: readonly PeerProgress[];
  /** Leader only: the replica leadership is being handed to, or NO_NODE. */
  readonly leadTransferee?: NodeId;
}

/** The few numbers a host reads every loop turn, without copying the progress table. */
export interface BasicStatus {
  readonly term: number;
  readonly role: Role;
  readonly leader: NodeId;
  readonly commit: number;
  readonly applied: number;
  readonly lastIndex: number;
  /** Leader only: the replica leadership is being handed to, else NO_NODE. */
  readonly leadTransferee: NodeId;
}
