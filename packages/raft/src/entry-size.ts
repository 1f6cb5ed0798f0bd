import type { Entry } from './types.js';

/** Per-entry framing (index, term, type) counted by message and inflight limits. */
const ENTRY_OVERHEAD_BYTES = 24;

/** Size of an entry on the wire, for `maxMessageBytes` and `maxInflightBytes`. */
export const entryBytes = (entry: Entry): number => entry.data.byteLength + ENTRY_OVERHEAD_BYTES;

/** Payload only, for `maxUncommittedEntriesBytes`: empty entries (NO_OP, configuration) never count. */
export const entryPayloadBytes = (entry: Entry): number => entry.data.byteLength;

export const entriesBytes = (entries: readonly Entry[]): number => {
  let total = 0;
  for (const entry of entries) total += entryBytes(entry);
  return total;
};

/** The longest prefix of `entries` within `maxBytes`, but never fewer than one entry. */
export const limitEntries = <T extends Entry>(entries: T[], maxBytes: number): T[] => {
  let total = 0;
  for (let i = 0; i < entries.length; i++) {
    total += entryBytes(entries[i] as T);
    if (total > maxBytes && i > 0) return entries.slice(0, i);
  }
  return entries;
};
