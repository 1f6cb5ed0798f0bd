import { beforeAll, describe, expect, it } from 'vitest';
import type { ApplyOutcome, ApplyResult } from './apply-result.js';
import { encodeCommand } from './command.js';
import type { KvCommand } from './command.js';
import { CorruptStateError } from './corrupt-state-error.js';
import { createKeyHasher } from './keyspace/key-hasher.js';
import type { KeyHasher } from './keyspace/key-hasher.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './limits.js';
import { KvStateMachine } from './state-machine.js';
import { encodeStateBlob } from './state-blob.js';
import { MemoryRecordStore } from './testing/memory-record-store.js';
import { rawCommand } from './testing/raw-command.js';
import { decodeValueRecord, encodeValueRecord } from './value-record.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
const put = (key: string, value: string, ifRevision?: number): KvCommand => ({
  op: 'put',
  key: utf8(key),
  value: utf8(value),
  ...(ifRevision === undefined ? {} : { ifRevision }),
});
const del = (key: string, ifRevision?: number): KvCommand => ({
  op: 'delete',
  key: utf8(key),
  ...(ifRevision === undefined ? {} : { ifRevision }),
});

let hasher: KeyHasher;
beforeAll(async () => {
  hasher = await createKeyHasher();
});

/** A machine plus its storage, fed entries at consecutive indexes as a host would. */
class Shard {
  readonly machine = new KvStateMachine(hasher);
  readonly store = new MemoryRecordStore();
  #nextIndex = 1;

  apply(command: KvCommand): ApplyResult {
    return this.applyBytes(encodeCommand(command)).result;
  }

  applyBytes(bytes: Uint8Array): ApplyOutcome {
    const outcome = this.machine.apply(bytes, this.#nextIndex++);
    this.store.write(outcome.mutations);
    return outcome;
  }
}

describe('KvStateMachine put', () => {
  it('creates a key at the next revision and returns the record to store', () => {
    const shard = new Shard();
    const outcome = shard.applyBytes(encodeCommand(put('a', 'one')));
    expect(outcome.result).toEqual({ op: 'put', succeeded: true, revision: 1, createRevision: 1, modRevision: 1, version: 1 });
    expect(outcome.mutations).toHaveLength(1);
    const [mutation] = outcome.mutations;
    if (mutation?.kind !== 'put') throw new Error('expected a put mutation');
    expect(mutation.hash).toBe(hasher.hash(utf8('a')));
    expect(mutation.key).toEqual(utf8('a'));
    expect(decodeValueRecord(mutation.record)).toEqual({ createRevision: 1, modRevision: 1, version: 1, value: utf8('one') });
    expect(shard.machine.getMeta(utf8('a'))).toEqual({ createRevision: 1, modRevision: 1, version: 1, valueBytes: 3 });
  });

  it('overwrites: keeps the create revision, counts versions, reports the previous mod revision', () => {
    const shard = new Shard();
    shard.apply(put('other', 'x'));
    shard.apply(put('a', 'one'));
    expect(shard.apply(put('a', 'two'))).toEqual({
      op: 'put', succeeded: true, revision: 3, createRevision: 2, modRevision: 3, version: 2, prevModRevision: 2,
    });
    expect(shard.apply(put('a', 'three'))).toMatchObject({ revision: 4, createRevision: 2, version: 3, prevModRevision: 3 });
    expect(decodeValueRecord(shard.store.get(utf8('a')) ?? new Uint8Array(0)).value).toEqual(utf8('three'));
  });

  it('compare-and-swaps on the mod revision', () => {
    const shard = new Shard();
    shard.apply(put('a', 'one'));
    shard.apply(put('b', 'x'));
    expect(shard.apply(put('a', 'two', 2))).toEqual({ succeeded: false, code: 'compare_failed', currentRevision: 1, revision: 2 });
    expect(shard.machine.revision).toBe(2);
    expect(shard.machine.getMeta(utf8('a'))).toMatchObject({ modRevision: 1, version: 1 });
    expect(shard.apply(put('a', 'two', 1))).toMatchObject({ succeeded: true, revision: 3, version: 2, prevModRevision: 1 });
  });

  it('creates only when absent with ifRevision 0', () => {
    const shard = new Shard();
    expect(shard.apply(put('lock', 'me', 0))).toMatchObject({ succeeded: true, revision: 1, version: 1 });
    const refused = shard.applyBytes(encodeCommand(put('lock', 'you', 0)));
    expect(refused).toEqual({ result: { succeeded: false, code: 'compare_failed', currentRevision: 1, revision: 1 }, mutations: [] });
  });

  it('fails a compare against an absent key with current revision 0', () => {
    const shard = new Shard();
    expect(shard.apply(put('a', 'x', 5))).toEqual({ succeeded: false, code: 'compare_failed', currentRevision: 0, revision: 0 });
    expect(shard.machine.getMeta(utf8('a'))).toBeUndefined();
  });
});

describe('KvStateMachine delete', () => {
  it('removes a present key at the next revision', () => {
    const shard = new Shard();
    shard.apply(put('a', 'one'));
    const outcome = shard.applyBytes(encodeCommand(del('a')));
    expect(outcome).toEqual({
      result: { op: 'delete', succeeded: true, deleted: true, revision: 2 },
      mutations: [{ kind: 'delete', hash: hasher.hash(utf8('a')), key: utf8('a') }],
    });
    expect(shard.machine.getMeta(utf8('a'))).toBeUndefined();
    expect(shard.store.get(utf8('a'))).toBeUndefined();
  });

  it('leaves the revision alone when the key is absent', () => {
    const shard = new Shard();
    shard.apply(put('b', 'x'));
    expect(shard.applyBytes(encodeCommand(del('a')))).toEqual({
      result: { op: 'delete', succeeded: true, deleted: false, revision: 1 },
      mutations: [],
    });
  });

  it('compares on the mod revision, and treats ifRevision 0 as "must be absent"', () => {
    const shard = new Shard();
    shard.apply(put('a', 'one'));
    shard.apply(put('a', 'two'));
    expect(shard.apply(del('a', 1))).toEqual({ succeeded: false, code: 'compare_failed', currentRevision: 2, revision: 2 });
    expect(shard.apply(del('a', 0))).toEqual({ succeeded: false, code: 'compare_failed', currentRevision: 2, revision: 2 });
    expect(shard.apply(del('a', 2))).toEqual({ op: 'delete', succeeded: true, deleted: true, revision: 3 });
    expect(shard.apply(del('a', 0))).toEqual({ op: 'delete', succeeded: true, deleted: false, revision: 3 });
    expect(shard.apply(del('a', 3))).toEqual({ succeeded: false, code: 'compare_failed', currentRevision: 0, revision: 3 });
  });

  it('resets version and create revision when a deleted key is written again', () => {
    const shard = new Shard();
    shard.apply(put('a', '1'));
    shard.apply(put('a', '2'));
    shard.apply(del('a'));
    expect(shard.apply(put('a', '3'))).toEqual({ op: 'put', succeeded: true, revision: 4, createRevision: 4, modRevision: 4, version: 1 });
  });
});

describe('KvStateMachine bad commands', () => {
  const badCommands: [string, Uint8Array, string][] = [
    ['empty bytes', new Uint8Array(0), 'malformed_command'],
    ['garbage', utf8('not a command'), 'malformed_command'],
    ['truncated put', encodeCommand(put('a', 'value')).subarray(0, 9), 'malformed_command'],
    ['empty key', rawCommand({ opcode: 2, key: new Uint8Array(0) }), 'key_empty'],
    ['oversized key', rawCommand({ opcode: 2, key: new Uint8Array(MAX_KEY_BYTES + 1) }), 'key_too_large'],
    ['oversized value', rawCommand({ opcode: 1, key: utf8('a'), value: new Uint8Array(MAX_VALUE_BYTES + 1) }), 'value_too_large'],
  ];

  it.each(badCommands)('turns %s into the same error result on every replica, changing nothing', (_, bytes, code) => {
    const replicas = [new Shard(), new Shard()];
    const outcomes = replicas.map((replica) => {
      replica.apply(put('a', 'one'));
      return replica.applyBytes(bytes);
    });
    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toEqual({ result: { succeeded: false, code, message: expect.any(String), revision: 1 }, mutations: [] });
    for (const replica of replicas) {
      expect(replica.machine.revision).toBe(1);
      expect(replica.machine.appliedIndex).toBe(2);
      expect(replica.machine.size).toEqual({ keys: 1, bytes: 4 });
    }
  });

  it('throws when the host applies an entry index that does not move forward', () => {
    const machine = new KvStateMachine(hasher);
    machine.apply(encodeCommand(put('a', 'x')), 5);
    expect(() => machine.apply(encodeCommand(put('a', 'y')), 5)).toThrow(/does not follow applied index 5/);
    expect(() => machine.apply(encodeCommand(put('a', 'y')), 4)).toThrow(/does not follow/);
    expect(machine.revision).toBe(1);
    expect(machine.appliedIndex).toBe(5);
  });
});

describe('KvStateMachine size', () => {
  it('counts keys and key plus value bytes as keys come, change and go', () => {
    const shard = new Shard();
    expect(shard.machine.size).toEqual({ keys: 0, bytes: 0 });
    shard.apply(put('ab', 'xyz'));
    shard.apply(put('c', ''));
    expect(shard.machine.size).toEqual({ keys: 2, bytes: 6 });
    shard.apply(put('ab', 'x'));
    expect(shard.machine.size).toEqual({ keys: 2, bytes: 4 });
    shard.apply(del('ab'));
    expect(shard.machine.size).toEqual({ keys: 1, bytes: 1 });
  });

  it('hashes tagged keys of one tag to the same place', () => {
    const shard = new Shard();
    const hashes = ['locks/{build}/a', 'locks/{build}/b'].map((key) => {
      const [mutation] = shard.applyBytes(encodeCommand(put(key, 'v'))).mutations;
      return mutation?.hash;
    });
    expect(hashes[0]).toBe(hashes[1]);
  });
});

describe('KvStateMachine restore', () => {
  function populated(): Shard {
    const shard = new Shard();
    for (const command of [put('a', '1'), put('b', '22'), put('a', '333'), del('b'), put('c', '4'), del('zz'), put('{t}x', '5')]) {
      shard.apply(command);
    }
    return shard;
  }

  it('rebuilds the same state from the blob and the stored records, and continues identically', async () => {
    const original = populated();
    const restored = new KvStateMachine(hasher);
    await restored.restore(original.machine.stateBlob(), original.store.scan());

    expect(restored.revision).toBe(original.machine.revision);
    expect(restored.revision).toBe(6);
    expect(restored.appliedIndex).toBe(original.machine.appliedIndex);
    expect(restored.size).toEqual(original.machine.size);
    for (const key of ['a', 'b', 'c', '{t}x', 'zz']) {
      expect(restored.getMeta(utf8(key))).toEqual(original.machine.getMeta(utf8(key)));
    }
    const next = encodeCommand(put('b', 'again'));
    const index = original.machine.appliedIndex + 1;
    expect(restored.apply(next, index)).toEqual(original.machine.apply(next, index));
  });

  it('restores from records streamed one by one, as a store scan yields them', async () => {
    const original = populated();
    async function* streamed(): AsyncIterable<{ key: Uint8Array; record: Uint8Array }> {
      for (const record of original.store.scan()) yield record;
    }
    const restored = new KvStateMachine(hasher);
    await restored.restore(original.machine.stateBlob(), streamed());
    expect(restored.size).toEqual(original.machine.size);
    expect(restored.getMeta(utf8('a'))).toEqual(original.machine.getMeta(utf8('a')));
  });

  it('refuses a stored state older than the current one, keeping the current one', async () => {
    const shard = populated();
    const before = shard.machine.stateBlob();
    await expect(shard.machine.restore(encodeStateBlob({ revision: 5, appliedIndex: 99 }), [])).rejects.toThrow(/older/);
    await expect(shard.machine.restore(encodeStateBlob({ revision: 99, appliedIndex: 6 }), [])).rejects.toThrow(/older/);
    expect(shard.machine.stateBlob()).toEqual(before);
    expect(shard.machine.size.keys).toBe(3);
  });

  it('refuses records it could not have written, keeping the current state', async () => {
    const shard = populated();
    const blob = encodeStateBlob({ revision: 10, appliedIndex: 10 });
    const record = (modRevision: number): Uint8Array => encodeValueRecord({ createRevision: 1, modRevision, version: 1, value: utf8('v') });
    const badRecordSets = [
      [{ key: utf8('k'), record: record(11) }],
      [{ key: utf8('k'), record: record(3) }, { key: utf8('k'), record: record(4) }],
      [{ key: new Uint8Array(0), record: record(3) }],
      [{ key: utf8('k'), record: utf8('junk') }],
    ];
    for (const records of badRecordSets) {
      await expect(shard.machine.restore(blob, records)).rejects.toThrow(CorruptStateError);
    }
    expect(shard.machine.revision).toBe(6);
    expect(shard.machine.getMeta(utf8('a'))).toMatchObject({ modRevision: 3 });
  });

  it('replaces, rather than merges, the index when a newer snapshot is installed', async () => {
    const shard = populated();
    const record = encodeValueRecord({ createRevision: 8, modRevision: 9, version: 2, value: utf8('new') });
    await shard.machine.restore(encodeStateBlob({ revision: 12, appliedIndex: 40 }), [{ key: utf8('n'), record }]);
    expect(shard.machine.getMeta(utf8('a'))).toBeUndefined();
    expect(shard.machine.getMeta(utf8('n'))).toEqual({ createRevision: 8, modRevision: 9, version: 2, valueBytes: 3 });
    expect(shard.machine.size).toEqual({ keys: 1, bytes: 4 });
    expect(shard.machine.apply(encodeCommand(put('n', 'x', 9)), 41).result).toMatchObject({ revision: 13, version: 3, createRevision: 8 });
  });
});

describe('KvStateMachine as the host applies it', () => {
  it('writes its mutations into the batch it is given and answers the result', () => {
    const machine = new KvStateMachine(hasher);
    const writes: string[] = [];
    const sink = {
      putUserRecord: (hash: bigint, key: Uint8Array) => writes.push(`put ${hash === hasher.hash(key)} ${new TextDecoder().decode(key)}`),
      deleteUserRecord: (_hash: bigint, key: Uint8Array) => writes.push(`delete ${new TextDecoder().decode(key)}`),
    };
    expect(machine.applyCommand(encodeCommand(put('k', 'v')), 1, sink)).toMatchObject({ op: 'put', succeeded: true, revision: 1 });
    expect(machine.applyCommand(encodeCommand(del('k')), 2, sink)).toMatchObject({ op: 'delete', deleted: true });
    expect(machine.applyCommand(encodeCommand(del('k', 7)), 3, sink)).toMatchObject({ succeeded: false, code: 'compare_failed' });
    expect(writes).toEqual(['put true k', 'delete k']);
  });

  it('digests equal states equally and any key, meta or revision difference differently', () => {
    const digestAfter = (commands: KvCommand[]): number => {
      const machine = new KvStateMachine(hasher);
      commands.forEach((command, i) => machine.apply(encodeCommand(command), i + 1));
      return machine.digest();
    };
    const base = digestAfter([put('a', '1'), put('b', '2')]);
    expect(digestAfter([put('a', '1'), put('b', '2')])).toBe(base);
    expect(digestAfter([put('b', '2'), put('a', '1')])).not.toBe(base);
    expect(digestAfter([put('a', '1'), put('b', '22')])).not.toBe(base);
    expect(digestAfter([put('a', '1'), put('b', '2'), del('c')])).toBe(base);
    expect(digestAfter([put('a', '1')])).not.toBe(base);
  });
});
