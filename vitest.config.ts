import { defineConfig } from 'vitest/config';

// Tests run on the TypeScript sources of workspace packages (the `@flotilla/source` export
// condition), so a test never depends on a stale build.
const sourceConditions = ['@flotilla/source', 'node', 'import', 'default'];

const project = (name: string, root: string, extra: Record<string, unknown> = {}) => ({
  extends: true as const,
  test: { name, root, include: ['src/**/*.test.ts'], ...extra },
});

export default defineConfig({
  resolve: { conditions: sourceConditions },
  ssr: { resolve: { conditions: sourceConditions, externalConditions: sourceConditions } },
  test: {
    reporters: process.env['CI'] ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
    coverage: { provider: 'v8', include: ['packages/raft/src/**/*.ts'], exclude: ['**/*.test.ts', '**/testing/**'], reporter: ['text-summary', 'json-summary'] },
    projects: [
      project('raft', 'packages/raft'),
      project('testkit', 'packages/testkit', { testTimeout: 600_000 }),
      project('storage', 'packages/storage'),
      project('transport', 'packages/transport'),
      project('kv', 'packages/kv'),
      project('multiraft', 'packages/multiraft'),
      project('placement', 'packages/placement'),
      project('simulator', 'packages/simulator', { testTimeout: 600_000 }),
      project('server', 'apps/server'),
      project('bench', 'apps/bench'),
      project('client', 'packages/client'),
      project('cli', 'apps/cli'),
      project('deploy', 'deploy'),
      project('cluster', 'test', { testTimeout: 300_000, hookTimeout: 120_000, fileParallelism: false }),
    ],
  },
});
