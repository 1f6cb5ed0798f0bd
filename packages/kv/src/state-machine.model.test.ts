import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ApplyResult } from './apply-result.js';
import { encodeCommand } from './command.js';
import type { KvCommand } from './command.js';
import { createKeyHasher } from './keyspace/key-hasher.js';
import type { KeyHasher } from './keyspace/key-hasher.js';
import { KvStateMachine } from './state-machine.js';
import { MemoryRecordStore } from './testing/memory-record-store.js';
import { propertyParams } from './testing/property-params.js';
import { decodeValueRecord } from './value-record.js';

// A handful of keys, so that random sequences keep hitting the same ones; two share a hash tag.
const keys = ['a', 'b', 'locks/{t}/1', 'locks/{t}/2', '\u0000\u00ff'].map((text) => Buffer.from(text, 'latin1'));

interface ModelEntry {
  readonly value: Uint8Array;
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
}

/** The obvious implementation the state machine must agree with. */
class Model {
  revision = 0;
  readonly entries = new Map<number, ModelEntry>();

  apply(step: Step): ApplyResult {
    if (step.kind === 'malformed') return { succeeded: false, code: 'malformed_command', message: expect.any(String), revision: this.revision };
    const current = this.entries.get(step.keyIndex);
    const currentRevision = current?.modRevision ?? 0;
    const ifRevision = this.ifRevision(step);
    if (ifRevision !== undefined && ifRevision !== currentRevision) {
      return { succeeded: false, code: 'compare_failed', currentRevision, revision: this.revision };
    }
    if (step.kind === 'delete') {
      if (current === undefined) return { op: 'delete', succeeded: true, deleted: false, revision: this.revision };
      this.entries.delete(step.keyIndex);
      return { op: 'delete', succeeded: true, deleted: true, revision: ++this.revision };
    }
    const revision = ++this.revision;
    const next = {
      value: step.value,
      createRevision: current?.createRevision ?? revision,
      modRevision: revision,
      version: (current?.version ?? 0) + 1,
    };
    this.entries.set(step.keyIndex, next);
    const { value: _value, ...revisions } = next;
    return { op: 'put', succeeded: true, revision, ...revisions, ...(current === undefined ? {} : { prevModRevision: current.modRevision }) };
  }

  /** Resolves the step's compare choice against the model's state, before the step runs. */
  ifRevision(step: KeyedStep): number | undefined {
    if (step.compare === 'none') return undefined;
    if (step.compare === 'current') return this.entries.get(step.keyIndex)?.modRevision ?? 0;
    return step.compare;
  }
}

type Compare = 'none' | 'current' | number;
type KeyedStep =
  | { kind: 'put'; keyIndex: number; value: Uint8Array; compare: Compare }
  | { kind: 'delete'; keyIndex: number; compare: Compare };
type Step = KeyedStep | { kind: 'malformed'; bytes: Uint8Array };

const compareArb: fc.Arbitrary<Compare> = fc.oneof(
  { weight: 3, arbitrary: fc.constant('none' as const) },
  { weight: 2, arbitrary: fc.constant('current' as const) },
  { weight: 2, arbitrary: fc.nat({ max: 12 }) },
);
const keyIndexArb = fc.nat({ max: keys.length - 1 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('put' as const), keyIndex: keyIndexArb, value: fc.uint8Array({ maxLength: 16 }), compare: compareArb }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('delete' as const), keyIndex: keyIndexArb, compare: compareArb }) },
  // Any first byte but the format version is malformed, whatever follows.
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((tail) => ({ kind: 'malformed' as const, bytes: Uint8Array.of(0xee, ...tail) })) },
);
const stepsArb = fc.array(fc.tuple(stepArb, fc.integer({ min: 1, max: 3 })), { maxLength: 120 });

function commandOf(step: KeyedStep, ifRevision: number | undefined): KvCommand {
  const key = keys[step.keyIndex] as Uint8Array;
  const compare = ifRevision === undefined ? {} : { ifRevision };
  return step.kind === 'put' ? { op: 'put', key, value: step.value, ...compare } : { op: 'delete', key, ...compare };
}

let hasher: KeyHasher;
beforeAll(async () => {
  hasher = await createKeyHasher();
});

describe('KvStateMachine against a Map model', () => {
  it('agrees on every result, on the stored records, and after a restore', async () => {
    await fc.assert(
      fc.asyncProperty(stepsArb, async (steps) => {
        const machine = new KvStateMachine(hasher);
        const store = new MemoryRecordStore();
        const model = new Model();
        let entryIndex = 0;
        for (const [step, indexGap] of steps) {
          const bytes = step.kind === 'malformed' ? step.bytes : encodeCommand(commandOf(step, model.ifRevision(step)));
          const revisionBefore = machine.revision;
          entryIndex += indexGap;
          const outcome = machine.apply(bytes, entryIndex);
          expect(outcome.result).toEqual(model.apply(step));
          expect(machine.revision).toBeGreaterThanOrEqual(revisionBefore);
          expect(outcome.mutations.length).toBe(machine.revision - revisionBefore);
          store.write(outcome.mutations);
        }

        const restored = new KvStateMachine(hasher);
        await restored.restore(machine.stateBlob(), store.scan());
        let expectedBytes = 0;
        keys.forEach((key, keyIndex) => {
          const entry = model.entries.get(keyIndex);
          const record = store.get(key);
          if (entry === undefined) {
            expect(machine.getMeta(key)).toBeUndefined();
            expect(record).toBeUndefined();
          } else {
            const { value, ...revisions } = entry;
            expect(machine.getMeta(key)).toEqual({ ...revisions, valueBytes: value.byteLength });
            expect(decodeValueRecord(record ?? new Uint8Array(0))).toEqual(entry);
            expectedBytes += key.byteLength + value.byteLength;
          }
          expect(restored.getMeta(key)).toEqual(machine.getMeta(key));
        });
        expect(machine.revision).toBe(model.revision);
        expect(machine.appliedIndex).toBe(entryIndex);
        expect(machine.size).toEqual({ keys: model.entries.size, bytes: expectedBytes });
        expect(restored.size).toEqual(machine.size);
        expect(restored.revision).toBe(machine.revision);
        expect(restored.appliedIndex).toBe(machine.appliedIndex);
      }),
      propertyParams(300),
    );
  });

  it('is deterministic: two replicas fed the same entries return identical outcomes', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 60 }), stepsArb, (garbage, steps) => {
        const replicas = [new KvStateMachine(hasher), new KvStateMachine(hasher)];
        // The model only resolves 'current' compares to the revisions the replicas will hold.
        const model = new Model();
        const commands = steps.map(([step]) => {
          const bytes = step.kind === 'malformed' ? step.bytes : encodeCommand(commandOf(step, model.ifRevision(step)));
          model.apply(step);
          return bytes;
        });
        [...garbage, ...commands].forEach((bytes, i) => {
          const [first, second] = replicas.map((replica) => replica.apply(bytes, i + 1));
          expect(first).toEqual(second);
        });
        expect(replicas[0]?.stateBlob()).toEqual(replicas[1]?.stateBlob());
      }),
      propertyParams(200),
    );
  });
});
