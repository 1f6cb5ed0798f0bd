import { MemoryNodeStore, MemoryVolume } from '@flotilla/storage';
import { describeNodeStoreConformance } from '@flotilla/storage/testing';

/** Lands the volume's held syncs one turn of the event loop after they are asked for: a disk that lags. */
function landLater(volume: MemoryVolume): () => void {
  let landing = true;
  const turn = (): void => {
    if (!landing) return;
    volume.syncs.landAll();
    setImmediate(turn);
  };
  setImmediate(turn);
  return () => {
    landing = false;
  };
}

// The store as the simulator runs it: on a volume whose syncs are held, and land only when
// their owner says (here a turn later, in the simulator when its seeded delay is over).
describeNodeStoreConformance('MemoryNodeStore on a simulated volume (syncs held, landed late)', async () => {
  const volume = new MemoryVolume();
  volume.syncs.holding = true;
  const stopLanding = landLater(volume);
  return {
    open: (options) => MemoryNodeStore.open(volume, options),
    cleanup: async () => stopLanding(),
  };
});
