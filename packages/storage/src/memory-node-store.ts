// The node store in memory, for host unit tests. Keep the volume to simulate a restart: close
// the store (or just abandon it, as a crash would) and open a new one on the same volume.
import { EngineNodeStore, type NodeStoreOptions } from './engine-node-store.js';
import { MemoryBlobStore } from './memory-blob-store.js';
import { MemoryDisk, MemoryEngine } from './memory-engine.js';

export class MemoryVolume {
  readonly disk = new MemoryDisk();
  readonly blobs = new MemoryBlobStore();
}

export class MemoryNodeStore extends EngineNodeStore {
  static async open(volume: MemoryVolume = new MemoryVolume(), options: NodeStoreOptions = {}): Promise<MemoryNodeStore> {
    const store = new MemoryNodeStore(new MemoryEngine(volume.disk), volume.blobs, options);
    await store.recover();
    return store;
  }
}
