// The testing entry (`@flotilla/storage/testing`): TypeScript source for vitest, never built.
export * from './conformance.js';
