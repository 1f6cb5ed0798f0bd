import { NO_NODE, Role } from '@flotilla/raft';
import type { NodeId } from '@flotilla/raft';
import type { Replica } from './replica.js';

/**
 * Idle groups stop ticking, so a node with thousands of quiet shards sends no heartbeats for
 * them. A replica quiesces after `idleTicks` ticks with nothing in flight: a leader whose
 * peers, learners included (a quiet leader sends a lagging learner nothing, not even the
 * snapshot it waits for), all hold its whole log, or a follower that has applied all its
 * leader committed and heard from it lately. Any message but a heartbeat, any local request, a role change, or
 * silence from the leader's node wakes it (node liveness stands in for the heartbeats).
 */
export class Quiescence {
  private readonly lastHeardMs = new Map<NodeId, number>();
  private readonly startOf = new Map<NodeId, number>();

  constructor(
    private readonly idleTicks: number,
    private readonly electionTimeoutMs: number,
  ) {}

  /** Whether the replica should tick now; counts its idle ticks and quiesces it when due. */
  shouldTick(replica: Replica, nowMs: number): boolean {
    if (replica.quiesced) return false;
    if (!this.isIdle(replica, nowMs)) {
      replica.idleTicks = 0;
      return true;
    }
    replica.idleTicks++;
    if (replica.idleTicks < this.idleTicks) return true;
    replica.quiesced = true;
    return false;
  }

  wake(replica: Replica): void {
    replica.idleTicks = 0;
    if (!replica.quiesced) return;
    replica.quiesced = false;
    replica.raft.wake();
  }

  /** Records the peer's process start; true when it differs from the one known (the peer restarted). */
  restarted(peer: NodeId, started: number): boolean {
    const known = this.startOf.get(peer);
    this.startOf.set(peer, started);
    return known !== undefined && known !== started;
  }

  /** Records that the peer's node is alive; true when it had been silent (down or restarting). */
  heardFrom(peer: NodeId, nowMs: number): boolean {
    const heard = this.lastHeardMs.get(peer);
    this.lastHeardMs.set(peer, nowMs);
    return heard !== undefined && nowMs - heard > this.electionTimeoutMs;
  }

  /** A peer silent for an election timeout may be down: the groups it leads must tick to replace it. */
  silentPeer(peer: NodeId, nowMs: number): boolean {
    const heard = this.lastHeardMs.get(peer);
    if (heard === undefined) {
      this.lastHeardMs.set(peer, nowMs);
      return false;
    }
    return nowMs - heard > this.electionTimeoutMs;
  }

  private isIdle(replica: Replica, nowMs: number): boolean {
    if (replica.pendingRequests > 0 || replica.snapshotInProgress) return false;
    const status = replica.raft.basicStatus();
    if (status.commit !== status.lastIndex || replica.writtenIndex !== status.commit) return false;
    if (status.role === Role.FOLLOWER) {
      return status.leader !== NO_NODE && nowMs - replica.leaderHeardAtMs <= this.electionTimeoutMs;
    }
    if (status.role !== Role.LEADER || status.leadTransferee !== NO_NODE) return false;
    const progress = replica.raft.status().progress ?? [];
    return progress.every((peer) => peer.match === status.lastIndex);
  }
}
