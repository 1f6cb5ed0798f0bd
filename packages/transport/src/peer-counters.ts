import type { NodeId } from '@flotilla/raft';

/** Traffic with one peer, as plain numbers for the metrics exporter to read. */
export interface PeerCounters {
  /** Frames and bytes (length prefix included) on every lane, calls included. */
  framesSent: number;
  bytesSent: number;
  framesReceived: number;
  bytesReceived: number;
  /** The subset of the frames above that used the snapshot lane. */
  snapshotFramesSent: number;
  snapshotFramesReceived: number;
  /** Raft messages dropped before sending: queue full, link down or transport closed. */
  messagesDropped: number;
}

export const emptyPeerCounters = (): PeerCounters => ({
  framesSent: 0,
  bytesSent: 0,
  framesReceived: 0,
  bytesReceived: 0,
  snapshotFramesSent: 0,
  snapshotFramesReceived: 0,
  messagesDropped: 0,
});

/** Counters per peer, created on first use so a peer that appears later needs no registration. */
export class PeerCounterTable {
  private readonly byPeer = new Map<NodeId, PeerCounters>();

  of(peer: NodeId): PeerCounters {
    let counters = this.byPeer.get(peer);
    if (counters === undefined) {
      counters = emptyPeerCounters();
      this.byPeer.set(peer, counters);
    }
    return counters;
  }

  /** Live view of every peer's counters, for an exporter to walk. */
  all(): ReadonlyMap<NodeId, Readonly<PeerCounters>> {
    return this.byPeer;
  }
}
