export * from './types.js';
export type { LogStorage } from './storage.js';
