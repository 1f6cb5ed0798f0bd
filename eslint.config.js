import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Law 1 of the house: the Raft core is pure. No Node, no clock, no randomness, no
// asynchrony, no other project package: the simulator must be able to replay it exactly.
const pureCoreRules = {
  'no-restricted-imports': ['error', {
    patterns: [
      { group: ['node:*'], message: 'packages/raft imports nothing from Node.' },
      { group: ['@flotilla/*'], message: 'packages/raft imports no other project package.' },
    ],
    paths: ['fs', 'net', 'os', 'path', 'crypto', 'events', 'timers', 'process', 'util', 'child_process', 'worker_threads']
      .map((name) => ({ name, message: 'packages/raft imports nothing from Node.' })),
  }],
  'no-restricted-globals': ['error',
    ...['setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'queueMicrotask', 'Promise', 'Date', 'process', 'performance', 'require']
      .map((name) => ({ name, message: `packages/raft must not use ${name}: time, randomness and I/O are injected.` })),
  ],
  'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'Use the seeded generator passed in.' }],
  'no-restricted-syntax': ['error',
    { selector: 'FunctionDeclaration[async=true], ArrowFunctionExpression[async=true], FunctionExpression[async=true]', message: 'packages/raft is synchronous.' },
    { selector: 'AwaitExpression', message: 'packages/raft is synchronous.' },
  ],
};

export default tseslint.config(
  { ignores: ['**/dist/**', '**/dist-tools/**', '**/.typecheck/**', '**/node_modules/**', '**/coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['packages/raft/src/**/*.ts'], ignores: ['packages/raft/src/**/*.test.ts'], rules: pureCoreRules },
);
