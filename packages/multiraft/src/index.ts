export * from './service.js';
export type * from './node-config.js';
export type { TlsMaterial } from '@flotilla/transport';
export { startNode } from './start-node.js';
export type { NodeLogger } from './node-logger.js';
export { assembleNode } from './assemble-node.js';
export type { NodeParts } from './assemble-node.js';
export type { StateMachine, StoredRecord } from './state-machine.js';
