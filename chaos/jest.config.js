// Chaos tests: slow, kill processes, so they run only through `bash chaos/run.sh`, never in `npm test`.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  testEnvironment: 'node',
  roots: ['<rootDir>/chaos'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { diagnostics: false }],
    // As in jest.config.js: @noble/ed25519 ships ES modules only (the harness signs decisions with it).
    '^.+/node_modules/@noble/ed25519/.+\\.js$': ['ts-jest', { diagnostics: false, tsconfig: { allowJs: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!@noble/ed25519/)'],
  maxWorkers: 1, // each test owns the machine: timings are the point
  globalSetup: '<rootDir>/test/global-setup.ts',
  setupFiles: ['<rootDir>/test/setup-runtime.ts'],
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 600_000,
};
