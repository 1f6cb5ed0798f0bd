import type { GroupId, NodeId } from '@flotilla/raft';
import type { ClusterMap, NodeState, ShardRecord } from './cluster-map.js';
import type { OperatorDraft } from './operator.js';

/** What the PD leader knows beyond the replicated map: fresh from the leaders' reports. */
export interface SchedulerInput {
  readonly map: ClusterMap;
  /** Each shard's leader as last reported; absent while a shard has none. */
  readonly shardLeaders: ReadonlyMap<GroupId, NodeId>;
  /** Bytes each node holds, for breaking ties between nodes of equal replica counts. */
  readonly nodeBytes: ReadonlyMap<NodeId, number>;
}

export interface SchedulerSettings {
  /** Voters per shard. */
  readonly replicas: number;
  /** Operators in flight at once, cluster-wide; repairs and balancing share the budget. */
  readonly maxInflightOperators: number;
}

/** A node's replicas and leaders, counting what in-flight operators will add and take away. */
interface NodeTally {
  readonly id: NodeId;
  replicas: number;
  leaders: number;
}

const LEAVING: ReadonlySet<NodeState> = new Set(['down', 'removed', 'draining']);

const membersOf = (shard: ShardRecord): NodeId[] => [...shard.conf.voters, ...shard.conf.learners];

/**
 * The operators to start now, most urgent first, each on a shard with none in flight and all
 * within the in-flight budget. In order: replicas on down, removed or draining nodes move to an
 * up node; shards short of voters gain one; shards with too many lose one; then replica counts,
 * then leader counts, are evened out until every up node is within one of every other (so
 * within ±1 of the mean). Deterministic: shards and nodes are taken in id order.
 */
export function schedule(input: SchedulerInput, settings: SchedulerSettings): OperatorDraft[] {
  const { map } = input;
  let budget = settings.maxInflightOperators - map.operators.size;
  if (budget <= 0) return [];
  const tallies = new Map<NodeId, NodeTally>();
  for (const node of [...map.nodes.values()].sort((a, b) => a.id - b.id)) {
    if (node.state === 'up') tallies.set(node.id, { id: node.id, replicas: 0, leaders: 0 });
  }
  const shards = [...map.shards.values()].sort((a, b) => a.id - b.id);
  for (const shard of shards) {
    for (const member of membersOf(shard)) {
      const tally = tallies.get(member);
      if (tally !== undefined) tally.replicas++;
    }
    const leader = input.shardLeaders.get(shard.id);
    const tally = leader === undefined ? undefined : tallies.get(leader);
    if (tally !== undefined) tally.leaders++;
  }
  for (const operator of map.operators.values()) {
    if (operator.kind === 'add-replica' || operator.kind === 'move-replica') {
      const target = tallies.get(operator.to);
      if (target !== undefined) target.replicas++;
    }
    if (operator.kind === 'move-replica' || operator.kind === 'remove-replica') {
      const source = tallies.get(operator.from);
      if (source !== undefined) source.replicas--;
    }
  }

  const drafts: OperatorDraft[] = [];
  const busy = new Set<GroupId>(map.operators.keys());
  const take = (draft: OperatorDraft): void => {
    drafts.push(draft);
    busy.add(draft.shard);
    budget--;
  };
  const bytesOf = (id: NodeId): number => input.nodeBytes.get(id) ?? 0;
  /** The up node with the fewest replicas (then bytes, then id) that holds none of `shard`. */
  const targetFor = (shard: ShardRecord): NodeTally | undefined => {
    const members = new Set(membersOf(shard));
    let best: NodeTally | undefined;
    for (const tally of tallies.values()) {
      if (members.has(tally.id)) continue;
      if (best === undefined || tally.replicas < best.replicas || (tally.replicas === best.replicas && bytesOf(tally.id) < bytesOf(best.id))) best = tally;
    }
    return best;
  };
  const nodeState = (id: NodeId): NodeState | undefined => map.nodes.get(id)?.state;

  // Repairs.
  for (const shard of shards) {
    if (budget <= 0) return drafts;
    if (busy.has(shard.id)) continue;
    const leaving = shard.conf.voters.find((voter) => LEAVING.has(nodeState(voter) ?? 'removed'));
    if (leaving !== undefined) {
      const target = targetFor(shard);
      if (target !== undefined) {
        target.replicas++;
        take({ kind: 'move-replica', shard: shard.id, from: leaving, to: target.id, reason: `node ${leaving} is ${nodeState(leaving) ?? 'unknown'}` });
      }
      continue;
    }
    if (shard.conf.voters.length < settings.replicas) {
      const target = targetFor(shard);
      if (target !== undefined) {
        target.replicas++;
        take({ kind: 'add-replica', shard: shard.id, to: target.id, reason: `${shard.conf.voters.length} of ${settings.replicas} voters` });
      }
      continue;
    }
    if (shard.conf.voters.length > settings.replicas) {
      const leader = input.shardLeaders.get(shard.id);
      const fullest = [...shard.conf.voters]
        .map((voter) => tallies.get(voter))
        .filter((tally) => tally !== undefined)
        .sort((a, b) => Number(a.id === leader) - Number(b.id === leader) || b.replicas - a.replicas || a.id - b.id)[0];
      if (fullest !== undefined) {
        fullest.replicas--;
        take({ kind: 'remove-replica', shard: shard.id, from: fullest.id, reason: `${shard.conf.voters.length} voters, more than ${settings.replicas}` });
      }
    }
  }

  // Replica balance: from the fullest up node to the emptiest, while they differ by more than one.
  while (budget > 0) {
    const ordered = [...tallies.values()].sort((a, b) => a.replicas - b.replicas || a.id - b.id);
    const emptiest = ordered[0];
    const fullest = ordered.at(-1);
    if (emptiest === undefined || fullest === undefined || fullest.replicas - emptiest.replicas <= 1) break;
    const shard = shards.find((candidate) => !busy.has(candidate.id) && candidate.conf.voters.includes(fullest.id) && !membersOf(candidate).includes(emptiest.id));
    if (shard === undefined) break;
    fullest.replicas--;
    emptiest.replicas++;
    take({ kind: 'move-replica', shard: shard.id, from: fullest.id, to: emptiest.id, reason: `node ${fullest.id} holds ${fullest.replicas + 1} replicas, node ${emptiest.id} ${emptiest.replicas - 1}` });
  }

  // Leader balance: a shard led by the node with the most leaderships goes to its voter with the fewest.
  while (budget > 0) {
    const ordered = [...tallies.values()].sort((a, b) => b.leaders - a.leaders || a.id - b.id);
    let moved = false;
    for (const busiest of ordered) {
      const candidates: { shard: ShardRecord; to: NodeTally }[] = [];
      for (const shard of shards) {
        if (busy.has(shard.id) || input.shardLeaders.get(shard.id) !== busiest.id) continue;
        for (const voter of shard.conf.voters) {
          const tally = tallies.get(voter);
          if (tally !== undefined && tally.leaders < busiest.leaders - 1) candidates.push({ shard, to: tally });
        }
      }
      const best = candidates.sort((a, b) => a.to.leaders - b.to.leaders || a.to.id - b.to.id || a.shard.id - b.shard.id)[0];
      if (best === undefined) continue;
      busiest.leaders--;
      best.to.leaders++;
      take({ kind: 'transfer-leader', shard: best.shard.id, to: best.to.id, reason: `node ${busiest.id} leads ${busiest.leaders + 1} shards, node ${best.to.id} ${best.to.leaders - 1}` });
      moved = true;
      break;
    }
    if (!moved) break;
  }
  return drafts;
}
