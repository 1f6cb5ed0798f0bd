// The testing entry (`@flotilla/transport/testing`): TypeScript source for vitest, never built.
export * from './conformance.js';
export * from './test-pki.js';
