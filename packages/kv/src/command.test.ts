import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeCommand, encodeCommand, MAX_COMMAND_BYTES } from './command.js';
import type { KvCommand } from './command.js';
import { KvInputError } from './kv-input-error.js';
import type { KvErrorCode } from './kv-input-error.js';
import { MAX_KEY_BYTES, MAX_VALUE_BYTES } from './limits.js';
import { propertyParams } from './testing/property-params.js';
import { rawCommand } from './testing/raw-command.js';

const keyArb = fc.uint8Array({ minLength: 1, maxLength: 64 });
const ifRevisionArb = fc.oneof(fc.constant(0), fc.nat(), fc.constant(Number.MAX_SAFE_INTEGER));
const commandArb: fc.Arbitrary<KvCommand> = fc.oneof(
  fc.record({ op: fc.constant('put' as const), key: keyArb, value: fc.uint8Array({ maxLength: 128 }), ifRevision: ifRevisionArb }, { requiredKeys: ['op', 'key', 'value'] }),
  fc.record({ op: fc.constant('delete' as const), key: keyArb, ifRevision: ifRevisionArb }, { requiredKeys: ['op', 'key'] }),
);

function inputErrorCode(run: () => unknown): KvErrorCode {
  try {
    run();
  } catch (error) {
    if (error instanceof KvInputError) return error.code;
    throw error;
  }
  throw new Error('expected a KvInputError');
}

describe('command encoding', () => {
  it('makes the largest command exactly MAX_COMMAND_BYTES long', () => {
    const largest = encodeCommand({ op: 'put', key: new Uint8Array(MAX_KEY_BYTES), value: new Uint8Array(MAX_VALUE_BYTES), ifRevision: 1 });
    expect(largest.byteLength).toBe(MAX_COMMAND_BYTES);
  });

  it('round-trips every valid command, also from a view into a larger buffer', () => {
    fc.assert(
      fc.property(commandArb, fc.nat({ max: 7 }), (command, padding) => {
        const bytes = encodeCommand(command);
        const padded = new Uint8Array(padding + bytes.length + padding);
        padded.set(bytes, padding);
        expect(decodeCommand(bytes)).toEqual(command);
        expect(decodeCommand(padded.subarray(padding, padding + bytes.length))).toEqual(command);
      }),
      propertyParams(500),
    );
  });

  it('rejects every strict prefix of a valid encoding as malformed', () => {
    fc.assert(
      fc.property(commandArb, fc.nat(), (command, cut) => {
        const bytes = encodeCommand(command);
        expect(inputErrorCode(() => decodeCommand(bytes.subarray(0, cut % bytes.length)))).toBe('malformed_command');
      }),
      propertyParams(500),
    );
  });

  it('rejects trailing bytes, unknown versions, opcodes and flags, and revisions above 2^53-1', () => {
    const key = Uint8Array.of(1);
    const value = Uint8Array.of(2);
    const valid = encodeCommand({ op: 'put', key, value });
    expect(inputErrorCode(() => decodeCommand(Uint8Array.from([...valid, 0])))).toBe('malformed_command');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ version: 2, opcode: 1, key, value })))).toBe('malformed_command');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 3, key })))).toBe('malformed_command');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 2, flags: 2, key })))).toBe('malformed_command');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 2, key, ifRevision: 2n ** 53n })))).toBe('malformed_command');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 2, key, value })))).toBe('malformed_command');
  });

  it('encodes the documented layout byte for byte', () => {
    const bytes = rawCommand({ opcode: 1, ifRevision: 7n, key: Uint8Array.of(0x61), value: Uint8Array.of(0x62, 0x63) });
    expect(bytes).toEqual(encodeCommand({ op: 'put', key: Uint8Array.of(0x61), value: Uint8Array.of(0x62, 0x63), ifRevision: 7 }));
  });

  it('applies the limits on both sides, with the limit exactly allowed', () => {
    const maxKey = new Uint8Array(MAX_KEY_BYTES);
    const maxValue = new Uint8Array(MAX_VALUE_BYTES);
    expect(decodeCommand(encodeCommand({ op: 'put', key: maxKey, value: maxValue }))).toMatchObject({ op: 'put' });

    const longKey = new Uint8Array(MAX_KEY_BYTES + 1);
    const longValue = new Uint8Array(MAX_VALUE_BYTES + 1);
    const empty = new Uint8Array(0);
    expect(inputErrorCode(() => encodeCommand({ op: 'delete', key: empty }))).toBe('key_empty');
    expect(inputErrorCode(() => encodeCommand({ op: 'delete', key: longKey }))).toBe('key_too_large');
    expect(inputErrorCode(() => encodeCommand({ op: 'put', key: maxKey, value: longValue }))).toBe('value_too_large');
    expect(inputErrorCode(() => encodeCommand({ op: 'delete', key: maxKey, ifRevision: -1 }))).toBe('revision_invalid');
    expect(inputErrorCode(() => encodeCommand({ op: 'delete', key: maxKey, ifRevision: 1.5 }))).toBe('revision_invalid');

    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 2, key: empty })))).toBe('key_empty');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 2, key: longKey })))).toBe('key_too_large');
    expect(inputErrorCode(() => decodeCommand(rawCommand({ opcode: 1, key: maxKey, value: longValue })))).toBe('value_too_large');
  });
});
