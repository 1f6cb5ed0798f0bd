import type { GroupId } from '@flotilla/raft';
import type { MembershipCluster, MembershipNode } from '@flotilla/testkit';
import type { HostCluster } from './host-cluster.js';

/**
 * One group of whole nodes as the membership driver sees a cluster: changes are proposed
 * through the host of the group's leader, a node added joins every group empty, and the host
 * itself shuts down a replica its group removed (so the driver never retires a node).
 */
export function groupMembership(cluster: HostCluster, group: GroupId): MembershipCluster {
  const member = (id: MembershipNode['id']): MembershipNode => ({
    id,
    appliedOwnRemoval: false,
    conf: () => cluster.node(id).replica(group)?.raft.confState() ?? { voters: [], votersOutgoing: [], learners: [], learnersNext: [] },
  });
  return {
    bootstrapConf: { voters: cluster.founders, votersOutgoing: [], learners: [], learnersNext: [] },
    leader: () => {
      const node = cluster.leaderOf(group);
      const replica = node?.replica(group);
      const host = node?.node?.host;
      if (node === undefined || replica === undefined || host === undefined) return undefined;
      return {
        ...member(node.id),
        proposeConfChange: (change) => {
          void host.proposeConfChange(group, change).then((proposed) => {
            if (proposed) cluster.trace(() => `n${node.id} proposed in group ${group} ${JSON.stringify(change.changes)}`);
          });
        },
      };
    },
    runningNodes: () => cluster.upNodes().map((node) => member(node.id)),
    addNode: () => Promise.resolve(member(cluster.addNode().id)),
    retire: () => undefined,
    trace: (text) => cluster.trace(text),
  };
}
