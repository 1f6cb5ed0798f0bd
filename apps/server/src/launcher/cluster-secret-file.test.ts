import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadOrCreateClusterSecret } from './cluster-secret-file.js';

describe('the local cluster secret file', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-secret-'));
    dirs.push(dir);
    return dir;
  };

  it('makes a long random secret once, readable by its owner only, and reads it back after', () => {
    const path = join(tempDir(), 'data', 'cluster-secret');
    const first = loadOrCreateClusterSecret(path);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(loadOrCreateClusterSecret(path)).toBe(first);
    expect(loadOrCreateClusterSecret(join(tempDir(), 'cluster-secret'))).not.toBe(first);
  });

  it('keeps a secret the operator wrote there', () => {
    const path = join(tempDir(), 'cluster-secret');
    writeFileSync(path, 'an-operator-chosen-secret\n');
    expect(loadOrCreateClusterSecret(path)).toBe('an-operator-chosen-secret');
  });
});
