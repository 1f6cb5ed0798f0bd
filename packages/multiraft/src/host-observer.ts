import type { ConfState, Entry, GroupId, HardState, Message, Ready, SnapshotMeta } from '@flotilla/raft';

/** A replica as it comes up: from its durable state only. */
export interface ReplicaStart {
  readonly hardState: HardState;
  readonly snapshot: SnapshotMeta | undefined;
  /** The stored entries above the snapshot. */
  readonly entries: readonly Entry[];
  readonly applied: number;
  /** The state machine's digest as restored, at `applied`. */
  readonly stateDigest: number;
  readonly conf: ConfState;
}

/**
 * What a node does, told as each fact becomes true, for a simulator's safety checker: a hard
 * state is durable once its synced write resolved, a message is sent when it leaves for the
 * transport, an entry is applied when the state machine took it. Absent in production: the host
 * then computes nothing for it (state digests included).
 */
export interface HostObserver {
  onStart(group: GroupId, start: ReplicaStart): void;
  /** A Ready taken from the group's core, before any of it is written or sent. */
  onReady(group: GroupId, ready: Ready): void;
  onSend(message: Message): void;
  onDurableHardState(group: GroupId, hardState: HardState): void;
  /** A Ready's entries are durable: its synced write resolved. */
  onDurableEntries(group: GroupId, entries: readonly Entry[]): void;
  /** The replica asked its core for a read index with this context (reads confirm leadership after this). */
  onReadIndex(group: GroupId, context: Uint8Array): void;
  onApplied(group: GroupId, entry: Entry, stateDigest: number): void;
  /** The configuration after the entry at `index` took effect. */
  onConfApplied(group: GroupId, index: number, conf: ConfState): void;
  /** The applied state recorded as the group's snapshot point (a compaction, or a file to send). */
  onSnapshotTaken(group: GroupId, meta: SnapshotMeta, stateDigest: number): void;
  /** A received snapshot installed: the state machine jumped to it. */
  onSnapshotApplied(group: GroupId, meta: SnapshotMeta, stateDigest: number): void;
  /** The group's log no longer holds entries up to `index`. */
  onCompact(group: GroupId, index: number): void;
}
