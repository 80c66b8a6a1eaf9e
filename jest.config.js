// ESM TypeScript through ts-jest; type checking is `npm run typecheck`'s job, so ts-jest only transpiles.
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: false }]
  },
  testMatch: ['**/__tests__/**/*.test.ts'],
  globalSetup: '<rootDir>/__fixtures__/global-setup.ts',
  globalTeardown: '<rootDir>/__fixtures__/global-teardown.ts',
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/build/'],
  testTimeout: 120000,
  // two workers on the two cores: most tests wait on child processes and disks, not on the CPU
  maxWorkers: 2,
  verbose: false
}
