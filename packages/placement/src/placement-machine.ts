import type { StateMachine, StoredRecord } from '@flotilla/multiraft';
import type { WriteBatch } from '@flotilla/storage';
import { StoreCorruptError } from '@flotilla/storage';
import { decodePlacementCommand, decodePlacementState, encodePlacementState } from './placement-codec.js';
import type { PlacementResult } from './placement-command.js';
import { PlacementState } from './placement-state.js';

/**
 * The placement driver's group as the host replicates it. The cluster map is small (a node or
 * shard is a few hundred bytes) and changes only when nodes, shards or operators do, so it
 * travels whole as the state blob, written with every apply batch and snapshot, and keeps no
 * records of its own in the store.
 */
export class PlacementMachine implements StateMachine<PlacementResult> {
  #state = new PlacementState();

  /** The map as of the last applied command. */
  get state(): PlacementState {
    return this.#state;
  }

  applyCommand(command: Uint8Array, _index: number, _batch: WriteBatch): PlacementResult {
    return this.#state.apply(decodePlacementCommand(command));
  }

  stateBlob(): Uint8Array {
    return encodePlacementState(this.#state);
  }

  async restore(stateBlob: Uint8Array, records: AsyncIterable<StoredRecord>): Promise<void> {
    for await (const record of records) {
      throw new StoreCorruptError(`the placement group stores no records, but found one of ${record.key.byteLength} bytes`);
    }
    this.#state = stateBlob.byteLength === 0 ? new PlacementState() : decodePlacementState(stateBlob);
  }

  /** FNV-1a (32 bits) over the encoded map: equal on replicas that applied the same commands. */
  digest(): number {
    let hash = 0x811c9dc5;
    for (const byte of this.stateBlob()) hash = Math.imul(hash ^ byte, 0x01000193);
    return hash >>> 0;
  }
}
