import { makeValue } from './keys.js';
import type { LoadSpec } from './load-spec.js';
import { createEtcdProtocol } from './target-etcd.js';
import { createFlotillaProtocol } from './target-flotilla.js';
import type { TargetProtocol } from './target-protocol.js';

export function createTargetProtocol(spec: LoadSpec): TargetProtocol {
  const value = makeValue(spec.valueSizeBytes);
  return spec.target === 'etcd' ? createEtcdProtocol(value, spec.consistency) : createFlotillaProtocol(value, spec.consistency);
}
