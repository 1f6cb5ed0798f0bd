import { describeNodeStoreConformance } from './conformance.js';
import { MemoryNodeStore, MemoryVolume } from './memory-node-store.js';

describeNodeStoreConformance('MemoryNodeStore', async () => {
  const volume = new MemoryVolume();
  return { open: (options) => MemoryNodeStore.open(volume, options), cleanup: async () => undefined };
});
