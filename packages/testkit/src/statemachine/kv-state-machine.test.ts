import { describe, expect, it } from 'vitest';
import { encodeCommand, InvalidCommandError, MAX_KEY_LENGTH } from './kv-command.js';
import type { KvWrite } from './kv-command.js';
import { KvStateMachine } from './kv-state-machine.js';

const command = (client: number, seq: number, write: KvWrite): Uint8Array => encodeCommand({ client, seq, write });

describe('KvStateMachine', () => {
  it('applies puts, deletes and compare-and-swaps with their outcomes', () => {
    const kv = new KvStateMachine();
    expect(kv.applyCommand(command(1, 1, { op: 'cas', key: 'k', expected: null, value: 'a' }))?.succeeded).toBe(true);
    expect(kv.applyCommand(command(1, 2, { op: 'cas', key: 'k', expected: 'x', value: 'b' }))?.succeeded).toBe(false);
    expect(kv.applyCommand(command(1, 3, { op: 'put', key: 'k', value: 'c' }))?.succeeded).toBe(true);
    expect(kv.get('k')).toBe('c');
    expect(kv.applyCommand(command(1, 4, { op: 'delete', key: 'k' }))?.succeeded).toBe(true);
    expect(kv.applyCommand(command(1, 5, { op: 'delete', key: 'k' }))?.succeeded).toBe(false);
    expect(kv.get('k')).toBeNull();
  });

  it('applies a command delivered twice only once', () => {
    const kv = new KvStateMachine();
    kv.applyCommand(command(1, 1, { op: 'put', key: 'k', value: 'a' }));
    kv.applyCommand(command(2, 1, { op: 'put', key: 'k', value: 'b' }));
    expect(kv.applyCommand(command(1, 1, { op: 'put', key: 'k', value: 'a' }))).toBeUndefined();
    expect(kv.get('k')).toBe('b');
  });

  it('serializes canonically and restores the same state', () => {
    const a = new KvStateMachine();
    const b = new KvStateMachine();
    a.applyCommand(command(1, 1, { op: 'put', key: 'x', value: '1' }));
    a.applyCommand(command(2, 1, { op: 'put', key: 'y', value: '2' }));
    b.applyCommand(command(2, 1, { op: 'put', key: 'y', value: '2' }));
    b.applyCommand(command(1, 1, { op: 'put', key: 'x', value: '1' }));
    expect(a.stateHash()).toBe(b.stateHash());
    const restored = KvStateMachine.restore(a.serialize());
    expect(restored.stateHash()).toBe(a.stateHash());
    expect(restored.applyCommand(command(1, 1, { op: 'put', key: 'x', value: 'again' }))).toBeUndefined();
  });

  it('refuses bad client input before anything is proposed, and corrupt committed bytes loudly', () => {
    expect(() => command(1, 1, { op: 'put', key: '', value: 'v' })).toThrow(InvalidCommandError);
    expect(() => command(1, 1, { op: 'put', key: 'k'.repeat(MAX_KEY_LENGTH + 1), value: 'v' })).toThrow(InvalidCommandError);
    expect(() => new KvStateMachine().applyCommand(new TextEncoder().encode('{"client":1}'))).toThrow(/not a client command/);
  });
});
