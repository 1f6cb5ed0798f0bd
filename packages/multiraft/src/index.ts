export * from './service.js';
export type * from './node-config.js';
