/**
 * Builds command bytes by hand, bypassing `encodeCommand`'s validation, so tests can feed the
 * decoder and the state machine what a buggy or hostile proposer might commit.
 */
export function rawCommand(fields: {
  version?: number;
  opcode: number;
  flags?: number;
  ifRevision?: bigint;
  key: Uint8Array;
  value?: Uint8Array;
}): Uint8Array {
  const flags = fields.flags ?? (fields.ifRevision === undefined ? 0 : 1);
  const parts: Uint8Array[] = [Uint8Array.of(fields.version ?? 1, fields.opcode, flags)];
  if (fields.ifRevision !== undefined) parts.push(u64(fields.ifRevision));
  parts.push(u32(fields.key.byteLength), fields.key);
  if (fields.value !== undefined) parts.push(u32(fields.value.byteLength), fields.value);
  return new Uint8Array(Buffer.concat(parts));
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value);
  return bytes;
}

function u64(value: bigint): Uint8Array {
  const bytes = new Uint8Array(8);
  new DataView(bytes.buffer).setBigUint64(0, value);
  return bytes;
}
