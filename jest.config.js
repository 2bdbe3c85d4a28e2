/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false }] },
  // Temporal servers start per suite; two workers match the two-core machines we target.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
};
