/** What the state machine remembers of a key; the value itself lives in storage. */
export interface KeyMeta {
  readonly createRevision: number;
  readonly modRevision: number;
  readonly version: number;
  readonly valueBytes: number;
}

/**
 * Every key of a shard → its meta, with running totals for status. Keys are binary, so they are
 * mapped to latin1 strings, which is one char per byte and therefore lossless.
 */
export class KeyIndex {
  readonly #metas = new Map<string, KeyMeta>();
  #bytes = 0;

  get keyCount(): number {
    return this.#metas.size;
  }

  /** Key bytes plus value bytes over all keys. */
  get bytes(): number {
    return this.#bytes;
  }

  get(key: Uint8Array): KeyMeta | undefined {
    return this.#metas.get(indexKey(key));
  }

  set(key: Uint8Array, meta: KeyMeta): void {
    const mapKey = indexKey(key);
    const previous = this.#metas.get(mapKey);
    this.#bytes += previous === undefined ? key.byteLength + meta.valueBytes : meta.valueBytes - previous.valueBytes;
    this.#metas.set(mapKey, meta);
  }

  /**
   * FNV-1a (32 bits) over `revision` and every key with its meta in key order: cheap to compare
   * across replicas. Values are not seen (they live in storage); their lengths are.
   */
  digest(revision: number): number {
    let hash = 0x811c9dc5;
    const mix = (text: string): void => {
      for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    };
    mix(`${revision};`);
    for (const key of [...this.#metas.keys()].sort()) {
      const meta = this.#metas.get(key) as KeyMeta;
      mix(`${key}:${meta.createRevision}:${meta.modRevision}:${meta.version}:${meta.valueBytes};`);
    }
    return hash >>> 0;
  }

  delete(key: Uint8Array): void {
    const mapKey = indexKey(key);
    const previous = this.#metas.get(mapKey);
    if (previous === undefined) return;
    this.#bytes -= key.byteLength + previous.valueBytes;
    this.#metas.delete(mapKey);
  }
}

function indexKey(key: Uint8Array): string {
  return Buffer.from(key.buffer, key.byteOffset, key.byteLength).toString('latin1');
}
