// Flat files beside the database: outgoing snapshots and staged incoming ones. Reads are
// synchronous because the Raft core pulls snapshot chunks synchronously.

export interface BlobAppender {
  readonly size: number;
  append(data: Uint8Array): Promise<void>;
  /** Makes every appended byte durable. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface BlobReader {
  readonly size: number;
  /** Up to `length` bytes from `offset`; fewer only at the end. */
  read(offset: number, length: number): Uint8Array;
  close(): void;
}

export interface BlobStore {
  /** Creates the blob, or truncates an existing one. */
  create(name: string): Promise<BlobAppender>;
  openReader(name: string): BlobReader;
  /** Removing a missing blob is not an error: cleanup is retried after crashes. */
  remove(name: string): Promise<void>;
  list(): Promise<string[]>;
}
