// The production node store: <dataDir>/db is the LevelDB, <dataDir>/snapshots its snapshot files.
import { join } from 'node:path';
import { EngineNodeStore, type NodeStoreOptions } from './engine-node-store.js';
import { FsBlobStore } from './fs-blob-store.js';
import { LevelEngine } from './level-engine.js';

export class LevelNodeStore extends EngineNodeStore {
  static async open(dataDir: string, options: NodeStoreOptions = {}): Promise<LevelNodeStore> {
    const blobs = await FsBlobStore.open(join(dataDir, 'snapshots'));
    const engine = await LevelEngine.open(join(dataDir, 'db'));
    const store = new LevelNodeStore(engine, blobs, options);
    try {
      await store.recover();
    } catch (error) {
      await engine.close();
      throw error;
    }
    return store;
  }
}
