// The testing entry (`@flotilla/server/testing`): TypeScript source for vitest, never built.
export * from './fake-kv-service.js';
export * from './live-server.js';
export * from './test-app.js';
