import type { NodeId } from '@flotilla/raft';
import type { ClusterMap, NodeState } from './cluster-map.js';

export interface NodeStateChange {
  readonly node: NodeId;
  readonly state: NodeState;
}

/**
 * The node state changes the PD leader should propose now: an up node silent for `downAfterMs`
 * is down (its replicas are then re-created elsewhere), a down node heard from again is up, and
 * a draining node that holds no replica any more is removed. `lastHeardMs` is the PD leader's
 * own monotonic clock; a node it has not heard from since it became leader counts from then.
 */
export function nodeStateChanges(map: ClusterMap, lastHeardMs: (node: NodeId) => number, nowMs: number, downAfterMs: number): NodeStateChange[] {
  const holding = new Set<NodeId>();
  for (const shard of map.shards.values()) {
    for (const member of [...shard.conf.voters, ...shard.conf.votersOutgoing, ...shard.conf.learners, ...shard.conf.learnersNext]) holding.add(member);
  }
  const changes: NodeStateChange[] = [];
  for (const node of [...map.nodes.values()].sort((a, b) => a.id - b.id)) {
    const silentMs = nowMs - lastHeardMs(node.id);
    if (node.state === 'up' && silentMs >= downAfterMs) changes.push({ node: node.id, state: 'down' });
    else if (node.state === 'down' && silentMs < downAfterMs) changes.push({ node: node.id, state: 'up' });
    else if (node.state === 'draining' && !holding.has(node.id)) changes.push({ node: node.id, state: 'removed' });
  }
  return changes;
}
