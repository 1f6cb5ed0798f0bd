// The node store in memory, for host tests and the simulator. Keep the volume to simulate a
// restart: close the store (or abandon it, as a killed process would) and open a new one on
// the same volume. `crash` goes further and cuts the power: what no sync made durable is lost.
import { EngineNodeStore, type NodeStoreOptions } from './engine-node-store.js';
import { MemoryBlobStore } from './memory-blob-store.js';
import { MemoryDisk, MemoryEngine } from './memory-engine.js';
import { SyncGate } from './sync-gate.js';

export class MemoryVolume {
  /** Open by default: every sync lands at once. A simulator holds it to decide when syncs land. */
  readonly syncs = new SyncGate();
  readonly disk = new MemoryDisk(this.syncs);
  readonly blobs = new MemoryBlobStore(this.syncs);

  /**
   * Power loss. Syncs in flight reached the disk or not as `landed` decides, one call per sync;
   * the store open on the volume is dead (its writers are never answered, its files refuse use),
   * and the next store opened here finds only durable state.
   */
  crash(landed: () => boolean): void {
    this.syncs.dropAll(landed);
    this.disk.loseVolatile();
    this.blobs.loseVolatile();
  }
}

export class MemoryNodeStore extends EngineNodeStore {
  static async open(volume: MemoryVolume = new MemoryVolume(), options: NodeStoreOptions = {}): Promise<MemoryNodeStore> {
    const store = new MemoryNodeStore(new MemoryEngine(volume.disk), volume.blobs, options);
    await store.recover();
    return store;
  }
}
