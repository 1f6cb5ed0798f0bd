import type { GroupStatus, NodeStatus } from '@flotilla/multiraft';
import { Role } from '@flotilla/raft';

const roleNames: ReadonlyMap<Role, string> = new Map([
  [Role.FOLLOWER, 'follower'],
  [Role.PRE_CANDIDATE, 'pre_candidate'],
  [Role.CANDIDATE, 'candidate'],
  [Role.LEADER, 'leader'],
]);

const roleName = (role: Role): string => {
  const name = roleNames.get(role);
  if (name === undefined) throw new Error(`unknown raft role ${String(role)}`);
  return name;
};

const groupJson = (group: GroupStatus) => ({
  group: group.group,
  // Range bounds are u64 hashes: decimal strings, since JSON numbers lose precision past 2^53.
  range: { start: group.range.start, end: group.range.end },
  role: roleName(group.role),
  term: group.term,
  leader: group.leader,
  commit_index: group.commitIndex,
  applied_index: group.appliedIndex,
  first_index: group.firstIndex,
  last_index: group.lastIndex,
  snapshot_index: group.snapshotIndex,
  snapshots_taken: group.snapshotsTaken,
  compactions: group.compactions,
  snapshots_installed: group.snapshotsInstalled,
  quiesced: group.quiesced,
  voters: group.voters,
  learners: group.learners,
});

/** The node's status in the wire (snake_case) form of `GET /v1/status`. */
export const statusJson = (status: NodeStatus) => ({
  node: status.node,
  groups: status.groups.map(groupJson),
});
