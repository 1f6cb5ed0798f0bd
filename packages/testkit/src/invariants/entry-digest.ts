import type { Entry } from '@flotilla/raft';
import { Hash53 } from '../util/hash53.js';

const digests = new WeakMap<Entry, number>();

/** A fingerprint of an entry's content (type, data, membership change); cached per entry object. */
export function entryDigest(entry: Entry): number {
  const cached = digests.get(entry);
  if (cached !== undefined) return cached;
  const hash = new Hash53().updateNumber(entry.type).updateBytes(entry.data);
  if (entry.change !== undefined) hash.updateString(JSON.stringify(entry.change));
  const digest = hash.digest();
  digests.set(entry, digest);
  return digest;
}
