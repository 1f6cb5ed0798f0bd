// Blobs as files in one directory.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, open, readdir, rm, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { BlobAppender, BlobReader, BlobStore } from './blob-store.js';

class FileAppender implements BlobAppender {
  size = 0;

  constructor(private readonly file: FileHandle) {}

  async append(data: Uint8Array): Promise<void> {
    // Reserve the bytes first: positional writes then stay correct if appends overlap.
    const start = this.size;
    this.size += data.length;
    let written = 0;
    while (written < data.length) {
      const { bytesWritten } = await this.file.write(data, written, data.length - written, start + written);
      written += bytesWritten;
    }
  }

  async sync(): Promise<void> {
    await this.file.datasync();
  }

  async close(): Promise<void> {
    await this.file.close();
  }
}

class FileReader implements BlobReader {
  readonly size: number;

  constructor(private readonly fd: number) {
    this.size = fstatSync(fd).size;
  }

  read(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(Math.max(0, Math.min(length, this.size - offset)));
    let filled = 0;
    while (filled < out.length) {
      const bytesRead = readSync(this.fd, out, filled, out.length - filled, offset + filled);
      if (bytesRead === 0) throw new Error(`blob shrank while being read (at ${offset + filled} of ${this.size})`);
      filled += bytesRead;
    }
    return out;
  }

  close(): void {
    closeSync(this.fd);
  }
}

export class FsBlobStore implements BlobStore {
  private constructor(private readonly dir: string) {}

  static async open(dir: string): Promise<FsBlobStore> {
    await mkdir(dir, { recursive: true });
    return new FsBlobStore(dir);
  }

  async create(name: string): Promise<BlobAppender> {
    return new FileAppender(await open(join(this.dir, name), 'w'));
  }

  openReader(name: string): BlobReader {
    return new FileReader(openSync(join(this.dir, name), 'r'));
  }

  async remove(name: string): Promise<void> {
    await rm(join(this.dir, name), { force: true });
  }

  async list(): Promise<string[]> {
    return readdir(this.dir);
  }
}
