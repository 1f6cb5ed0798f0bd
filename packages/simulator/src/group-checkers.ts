import type { GroupId, NodeId } from '@flotilla/raft';
import type { HostObserver } from '@flotilla/multiraft';
import { SafetyChecker } from '@flotilla/testkit';

/**
 * One safety checker per group: every group is a Raft cluster of its own (terms, logs,
 * commits and states are per group), so the checker's state is keyed by (node, group).
 */
export class GroupCheckers {
  private readonly byGroup = new Map<GroupId, SafetyChecker>();
  /** What the nodes did, so that tests can prove the features were exercised. */
  readonly counts = { snapshotsTaken: 0, snapshotsInstalled: 0, configurationsApplied: 0 };

  of(group: GroupId): SafetyChecker {
    let checker = this.byGroup.get(group);
    if (checker === undefined) {
      checker = new SafetyChecker();
      this.byGroup.set(group, checker);
    }
    return checker;
  }

  get all(): readonly SafetyChecker[] {
    return [...this.byGroup.values()];
  }

  /**
   * The hooks of one node process, forwarded while `alive()` holds: a dead process's leftover
   * work (a promise settling after its crash) says nothing any more. Groups started by this
   * process are remembered, so that its crash stops each of them in its checker.
   */
  observerOf(node: NodeId, alive: () => boolean, started: Set<GroupId>): HostObserver {
    const checkers = { of: (group: GroupId) => this.of(group), counts: this.counts };
    return {
      onStart(group, start) {
        if (!alive()) return;
        started.add(group);
        checkers.of(group).onStart(node, { ...start, stateHash: start.stateDigest });
      },
      onReady(group, ready) {
        if (alive()) checkers.of(group).onReady(node, ready);
      },
      onSend(message) {
        if (alive()) checkers.of(message.group).onSend(message);
      },
      onDurableHardState(group, hardState) {
        if (alive()) checkers.of(group).onDurableHardState(node, hardState);
      },
      onDurableEntries(group, entries) {
        if (alive()) checkers.of(group).onDurableEntries(node, entries);
      },
      onReadIndex(group, context) {
        if (alive()) checkers.of(group).onReadIndex(node, context);
      },
      onApplied(group, entry, stateDigest) {
        if (alive()) checkers.of(group).onApplied(node, entry, stateDigest);
      },
      onConfApplied(group, index, conf) {
        if (!alive()) return;
        checkers.counts.configurationsApplied++;
        checkers.of(group).onConfApplied(node, index, conf);
      },
      onSnapshotTaken(group, meta, stateDigest) {
        if (!alive()) return;
        checkers.counts.snapshotsTaken++;
        checkers.of(group).onSnapshotTaken(node, meta, stateDigest);
      },
      onSnapshotApplied(group, meta, stateDigest) {
        if (!alive()) return;
        checkers.counts.snapshotsInstalled++;
        checkers.of(group).onSnapshotApplied(node, meta, stateDigest);
      },
      onCompact(group, index) {
        if (alive()) checkers.of(group).onCompact(node, index);
      },
    };
  }
}
