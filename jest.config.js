/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // @noble/ed25519 ships ES modules only (workflow code verifies decisions with it): jest's
    // CommonJS runtime gets it compiled to CommonJS; the workflow bundle uses it as shipped.
    '^.+/node_modules/@noble/ed25519/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@noble/ed25519/)'],
  // Temporal servers start per suite; two workers match the two-core machines we target.
  maxWorkers: 2,
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 120_000,
};
