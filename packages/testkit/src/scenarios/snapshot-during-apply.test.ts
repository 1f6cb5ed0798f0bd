import { ConfChangeKind, EntryType, groupId, MemoryLogStorage, MessageType, nodeId, RawNode, Xoshiro128 } from '@flotilla/raft';
import type { ConfState, Entry, Message } from '@flotilla/raft';
import { describe, expect, it } from 'vitest';

// Regression (seed 2297 with the seeded settings of the time): a follower took a Ready whose
// committed entries held a joint-consensus step, then received a whole snapshot before it
// advanced. The snapshot switched the configuration at once; advance() then applied the old
// steps on top of it and threw a RaftInvariantError on a healthy cluster.
describe('a snapshot arriving while committed configuration entries are being applied', () => {
  it('keeps the snapshot configuration and does not apply the older changes again', () => {
    const [leader, follower, learner] = [nodeId(1), nodeId(2), nodeId(4)];
    const group = groupId(1);
    const voters: ConfState = { voters: [leader, follower, nodeId(3)], votersOutgoing: [], learners: [], learnersNext: [] };
    const storage = new MemoryLogStorage(voters);
    const node = new RawNode({ id: follower, group, storage, random: new Xoshiro128(1) });
    const empty = new Uint8Array(0);
    const entries: Entry[] = [
      { index: 2, term: 2, type: EntryType.NO_OP, data: empty },
      { index: 3, term: 2, type: EntryType.CONFIGURATION, data: empty, change: { changes: [{ kind: ConfChangeKind.ADD_LEARNER, node: learner }] } },
      { index: 4, term: 2, type: EntryType.CONFIGURATION, data: empty, change: { changes: [], leaveJoint: true } },
    ];
    const fromLeader = { group, from: leader, to: follower, term: 2 };
    node.step({ ...fromLeader, type: MessageType.APP, index: 1, logTerm: 1, entries, commit: 4 });
    const applying = node.ready();
    expect(applying.committedEntries.map((entry) => entry.index)).toEqual([2, 3, 4]);
    storage.append(applying.entries);
    if (applying.hardState !== undefined) storage.setHardState(applying.hardState);

    const snapshotConf: ConfState = { ...voters, learners: [learner, nodeId(5)] };
    const chunk: Message = {
      ...fromLeader,
      type: MessageType.SNAP,
      snapshot: { meta: { index: 10, term: 2, conf: snapshotConf }, offset: 0, data: empty, done: true },
    };
    node.step(chunk);
    expect(() => node.advance(applying)).not.toThrow();
    expect(node.confState()).toEqual(snapshotConf);
    expect(node.ready().snapshot?.index).toBe(10);
  });
});
