// The testing entry (`@flotilla/multiraft/testing`): TypeScript source for vitest, never built.
export * from './in-memory-cluster.js';
