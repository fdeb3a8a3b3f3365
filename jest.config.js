/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Type errors are caught by `tsc --noEmit` in `npm test`; isolatedModules keeps jest fast.
  transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
  // Integration tests spawn synth and git; give them room on a 2-core machine.
  testTimeout: 60000,
};
