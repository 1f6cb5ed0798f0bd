import { connect, createServer } from 'node:tls';
import type { SocketFactory } from './socket-factory.js';

/** PEM text of this node's certificate and key, and of the CA that signs every member's. */
export interface TlsMaterial {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/**
 * Mutual TLS between peers: each side presents its certificate and accepts only certificates
 * signed by the cluster's CA; the dialer also checks that the certificate names the address it
 * dialed. TLS 1.3 only: every member runs this code, so no older peer needs a weaker version.
 */
export function mutualTlsSockets(material: TlsMaterial): SocketFactory {
  const { cert, key, ca } = material;
  return {
    connect: (address) => connect({ host: address.host, port: address.port, cert, key, ca, minVersion: 'TLSv1.3' }),
    createServer: (onConnection) => createServer({ cert, key, ca, requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, onConnection),
  };
}
