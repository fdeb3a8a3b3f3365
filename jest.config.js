/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // tsconfig's isolatedModules makes ts-jest transpile only; `tsc --noEmit` in `npm test` type-checks.
  transform: {
    '^.+\\.ts$': 'ts-jest',
    // The CEL library ships only as ES modules; jest's CommonJS runtime needs it transpiled.
    '^.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@marcbachmann/cel-js/)'],
  // Integration tests spawn synth and git; give them room on a 2-core machine.
  testTimeout: 60000,
  // A scratch TMPDIR for the run, removed after it, and one real API server per run for the suites in __tests__/envtest/
  // (only when KUBEBUILDER_ASSETS is set).
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
};
