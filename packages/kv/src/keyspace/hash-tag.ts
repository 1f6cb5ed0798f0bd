const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;

/**
 * The bytes of `key` that decide its shard, as Redis Cluster hash tags do: the content of the
 * first `{` up to the next `}` when that content is non-empty, otherwise the whole key. Keys
 * sharing a tag share a shard, which is what multi-key operations inside one shard rely on.
 */
export function hashTagBytes(key: Uint8Array): Uint8Array {
  const open = key.indexOf(OPEN_BRACE);
  if (open < 0) return key;
  const close = key.indexOf(CLOSE_BRACE, open + 1);
  if (close < 0 || close === open + 1) return key;
  return key.subarray(open + 1, close);
}
