// Blobs in memory, for the in-memory node store. Creating and removing a blob is durable at
// once (as a journaled rename would be); appended bytes are durable only once a sync lands.
import type { BlobAppender, BlobReader, BlobStore } from './blob-store.js';
import { SyncGate } from './sync-gate.js';

class MemoryBlob {
  bytes = new Uint8Array(0);
  size = 0;
  durableSize = 0;

  append(data: Uint8Array): void {
    if (this.size + data.length > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.size + data.length, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.size));
      this.bytes = grown;
    }
    this.bytes.set(data, this.size);
    this.size += data.length;
  }
}

/** Keep the instance to simulate a restart: hand it to the next store. */
export class MemoryBlobStore implements BlobStore {
  readonly #blobs = new Map<string, MemoryBlob>();
  #generation = 0;

  constructor(private readonly syncs: SyncGate = new SyncGate()) {}

  async create(name: string): Promise<BlobAppender> {
    const blob = new MemoryBlob();
    this.#blobs.set(name, blob);
    const generation = this.#generation;
    const checkLive = (): void => {
      if (generation !== this.#generation) throw new Error(`blob ${name} was opened before a power loss`);
    };
    return {
      get size() {
        return blob.size;
      },
      append: async (data) => {
        checkLive();
        blob.append(data);
      },
      sync: () => {
        checkLive();
        const covered = blob.size;
        return this.syncs.request(() => {
          blob.durableSize = covered;
        });
      },
      close: async () => undefined,
    };
  }

  openReader(name: string): BlobReader {
    const blob = this.#blobs.get(name);
    if (blob === undefined) throw new Error(`no blob named ${name}`);
    const size = blob.size;
    return {
      size,
      read: (offset, length) => blob.bytes.slice(offset, Math.min(offset + length, size)),
      close: () => undefined,
    };
  }

  async remove(name: string): Promise<void> {
    this.#blobs.delete(name);
  }

  async list(): Promise<string[]> {
    return [...this.#blobs.keys()];
  }

  /** Power loss: every blob keeps only its synced bytes, and appenders opened before it are dead. */
  loseVolatile(): void {
    for (const blob of this.#blobs.values()) blob.size = blob.durableSize;
    this.#generation++;
  }
}
