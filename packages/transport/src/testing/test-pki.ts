// Test certificates made with the openssl command: a cluster CA, a member certificate it signs
// for 127.0.0.1, and a stranger's CA and certificate, which the cluster must refuse.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TlsMaterial } from '../tls-sockets.js';

export interface TestPki {
  readonly member: TlsMaterial;
  /** Signed by another CA, which the cluster does not trust. */
  readonly stranger: TlsMaterial;
}

const openssl = (dir: string, args: readonly string[]): void => {
  execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
};

function authority(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.crt`]);
}

function leaf(dir: string, name: string, signer: string): void {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}.key`, '-out', `${name}.csr`]);
  // Both uses: a member dials (client) and is dialed (server) with the same certificate.
  writeFileSync(join(dir, `${name}.ext`), 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n');
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.crt`, '-CAkey', `${signer}.key`, '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}.crt`]);
}

/** Makes the certificates in a temporary folder, reads them, and removes the folder. */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-pki-'));
  try {
    const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
    authority(dir, 'cluster-ca');
    authority(dir, 'stranger-ca');
    leaf(dir, 'member', 'cluster-ca');
    leaf(dir, 'stranger', 'stranger-ca');
    return {
      member: { cert: read('member.crt'), key: read('member.key'), ca: read('cluster-ca.crt') },
      stranger: { cert: read('stranger.crt'), key: read('stranger.key'), ca: read('stranger-ca.crt') },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
